import type { AnalyzedText } from '../text/analyze';
import type { TextClassifier } from '../classifier/classifier';
import { createPlaceResolver, type PlaceGazetteer, type PlaceResolver } from '../classifier/place';
import type { Region } from '../domain/gazetteer';
import { incidentId, incidentReason, type Incident, type IncidentPolicy } from '../domain/incident';
import { postId, type EnrichedPost, type IncomingPost } from '../domain/post';

export interface EnrichDeps {
  analyze(text: string): AnalyzedText;
  classifier: TextClassifier;
  /** `region.streets` (optional) lets addresses resolve against the region's street list. */
  gazetteer: { isKnown(code: string): boolean; detect(text: string): string | null; region?: Pick<Region, 'streets'> & Partial<Pick<Region, 'municipalities' | 'ambiguous'>> };
}

// One place resolver per gazetteer (it indexes the street list once).
const resolvers = new WeakMap<object, PlaceResolver>();
function placeResolver(g: EnrichDeps['gazetteer']): PlaceResolver {
  let r = resolvers.get(g);
  if (!r) resolvers.set(g, (r = createPlaceResolver({ region: g.region ?? {}, isKnown: (c) => g.isKnown(c), detect: (t) => g.detect(t) } satisfies PlaceGazetteer)));
  return r;
}

/** Normalises, stems, classifies and places one validated post. Pure given its dependencies. */
export function enrichPost(post: IncomingPost, deps: EnrichDeps, now: Date): EnrichedPost {
  const analyzed = deps.analyze(post.text);
  const classification = deps.classifier.classify(analyzed);
  // A source that belongs to a municipality wins; a region-wide source says nothing, the text may.
  const place = placeResolver(deps.gazetteer).resolve(analyzed.normalized, post.municipality);
  return {
    ...post,
    id: postId(post.network, post.externalId),
    municipality: place.municipality,
    ingestedAt: now.toISOString(),
    textStems: analyzed.stems.join(' '),
    classification: { ...classification, place },
  };
}

/** Opens an incident for the post when the policy says someone must act; urgent ones are flagged. */
export function decideIncident(post: EnrichedPost, policy: IncidentPolicy, now: Date): Incident | null {
  const reason = incidentReason({ ...post.classification, pageReply: post.kind === 'comment' && post.fromPage === true }, policy);
  if (!reason) return null;
  const c = post.classification;
  return {
    id: incidentId(post.id),
    postId: post.id,
    reason,
    status: 'new',
    sector: c.sector.label,
    ...(c.category ? { category: c.category.code } : {}),
    ...(c.urgency ? { urgent: c.urgency.value } : {}),
    municipality: post.municipality,
    network: post.network,
    createdAt: now.toISOString(),
    dueAt: new Date(now.getTime() + policy.responseMinutes * 60_000).toISOString(),
  };
}
