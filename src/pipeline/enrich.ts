import type { AnalyzedText } from '../text/analyze';
import type { TextClassifier } from '../classifier/classifier';
import { WHOLE_REGION } from '../domain/gazetteer';
import { incidentId, incidentReason, type Incident, type IncidentPolicy } from '../domain/incident';
import { postId, type EnrichedPost, type IncomingPost } from '../domain/post';

export interface EnrichDeps {
  analyze(text: string): AnalyzedText;
  classifier: TextClassifier;
  gazetteer: { isKnown(code: string): boolean; detect(text: string): string | null };
}

/** Normalises, stems and classifies one validated post. Pure given its dependencies. */
export function enrichPost(post: IncomingPost, deps: EnrichDeps, now: Date): EnrichedPost {
  const analyzed = deps.analyze(post.text);
  const classification = deps.classifier.classify(analyzed);
  const fromSource = post.municipality && deps.gazetteer.isKnown(post.municipality) ? post.municipality : null;
  // A source that covers the whole region says nothing about the place; the text may.
  const municipality =
    fromSource && fromSource !== WHOLE_REGION ? fromSource : (deps.gazetteer.detect(analyzed.normalized) ?? fromSource ?? WHOLE_REGION);
  return {
    ...post,
    id: postId(post.network, post.externalId),
    municipality,
    ingestedAt: now.toISOString(),
    textStems: analyzed.stems.join(' '),
    classification,
  };
}

/** Opens an incident for the post when the policy says someone must act. */
export function decideIncident(post: EnrichedPost, policy: IncidentPolicy, now: Date): Incident | null {
  const reason = incidentReason(post.classification, policy);
  if (!reason) return null;
  return {
    id: incidentId(post.id),
    postId: post.id,
    reason,
    status: 'new',
    sector: post.classification.sector.label,
    municipality: post.municipality,
    network: post.network,
    createdAt: now.toISOString(),
    dueAt: new Date(now.getTime() + policy.responseMinutes * 60_000).toISOString(),
  };
}
