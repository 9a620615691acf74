import { reachOf, riskFromVerdict, type Claim, type ClaimLink } from '../domain/claim';
import type { Region } from '../domain/gazetteer';
import type { EnrichedPost } from '../domain/post';
import type { Logger } from '../lib/logger';
import type { DeskRepository } from '../repositories/desk.repository';
import { bandOf, bestSimilarity, claimFingerprint, placeIndex, type ClaimFingerprint, type MatchBands, type PlaceIndex } from '../text/claim-similarity';

/**
 * The region's places for the matcher: every municipality's names, aliases and settlements; for a
 * city, its districts, neighbourhoods and streets are parts of their own (a rumour about the
 * Kirov district is not the one about the Lenin district), a neighbourhood lies inside the
 * district the region file says and a nickname is that district (`within`: «Московка» is in the
 * Lenin district, «на северах» is the Soviet district), and
 * its residents' name («омичи», derived from a name in «-ск») names it. A landmark or part named without a town is taken to be in the
 * first city of the region (its capital).
 */
export function regionPlaces(region: Pick<Region, 'municipalities' | 'streets'>): PlaceIndex {
  const partKey = (code: string, phrase: string) => {
    const word = phrase.split(' ').find((w) => !/^(г\.|город|городе|бульвар|бульваре|проспект|проспекте|пр\.|улица|ул\.)$/.test(w)) ?? phrase;
    return `${code}:${word.slice(0, 3)}`;
  };
  const groups = region.municipalities.flatMap((m) => {
    if (m.kind !== 'city') return [{ key: m.code, phrases: [m.name, ...(m.center ? [m.center] : []), ...m.aliases, ...m.settlements] }];
    const root = m.name.toLowerCase().slice(0, 4);
    const ofName = (a: string) => a.split(' ').some((w) => w.startsWith(root));
    const demonym = /ск$/i.test(m.name) ? [`${m.name.toLowerCase().slice(0, -2)}ич`] : [];
    const parts = m.aliases.filter((a) => !ofName(a) && !/^\d/.test(a));
    // Another name of a part («левобережье», «северах») is that part; a settlement in `within` lies inside it.
    const nameOf = (a: string) => partKey(m.code, m.within?.[a] ?? a);
    const nicknames = Object.keys(m.within ?? {}).filter((a) => !parts.includes(a) && !m.settlements.includes(a));
    return [
      { key: m.code, phrases: [m.name, ...m.aliases.filter(ofName), ...demonym] },
      ...[...parts, ...nicknames].map((a) => ({ key: nameOf(a), parent: m.code, phrases: [a] })),
      ...m.settlements.map((s) => ({ key: `${m.code}:${s}`, parent: m.code, phrases: [s] })),
    ];
  });
  // A settlement's key → the key of the part it lies in («московка» → the Lenin district).
  const within = region.municipalities.flatMap((m) =>
    Object.entries(m.within ?? {})
      .filter(([part]) => m.settlements.includes(part))
      .map(([part, area]): [string, string] => [`${m.code}:${part}`, partKey(m.code, area)]),
  );
  const streets = (region.streets ?? []).map((st) => ({ key: `${st.municipality}:ул:${st.name}`, parent: st.municipality, phrases: st.keys }));
  const capital = region.municipalities.find((m) => m.kind === 'city')?.code;
  return placeIndex(groups, { streets, within, ...(capital ? { capital } : {}) });
}

interface CachedClaim {
  claim: Claim;
  prints: ClaimFingerprint[];
}

export interface ClaimMatch {
  claim: Claim;
  score: number;
  band: 'link' | 'suggest';
  reasons: string[];
}

/**
 * Matches texts against the live claims. Claims and their fingerprints are cached per process and
 * reloaded when the desk's version counter moves (one Redis GET per check), so a verdict reaches
 * the very next batch.
 */
export function createClaimMatcher(deps: { desk: Pick<DeskRepository, 'claimsForMatching' | 'version'>; places: PlaceIndex; bands: MatchBands }) {
  let cached: CachedClaim[] = [];
  let version: string | null = null;

  const fingerprint = (text: string) => claimFingerprint(text, { places: deps.places });

  return {
    fingerprint,
    bands: deps.bands,
    /** Reloads the claims when the desk changed them since the last load. */
    async refresh(): Promise<void> {
      const now = await deps.desk.version();
      if (now === version) return;
      const claims = await deps.desk.claimsForMatching();
      cached = claims.map((claim) => ({ claim, prints: claim.matchTexts.map(fingerprint) }));
      version = now;
    },
    /** The best claim for `text` when it reaches the suggestion band (`except`: claims to skip). */
    match(text: string | ClaimFingerprint, except: ReadonlySet<string> = new Set()): ClaimMatch | null {
      if (cached.length === 0) return null;
      const fp = typeof text === 'string' ? fingerprint(text) : text;
      let best: ClaimMatch | null = null;
      for (const c of cached) {
        if (except.has(c.claim.id)) continue;
        const s = bestSimilarity(fp, c.prints);
        const band = bandOf(s.score, deps.bands);
        if (band && (!best || s.score > best.score)) best = { claim: c.claim, score: s.score, band, reasons: s.reasons };
      }
      return best;
    },
    claimById(id: string): Claim | undefined {
      return cached.find((c) => c.claim.id === id)?.claim;
    },
  };
}
export type ClaimMatcher = ReturnType<typeof createClaimMatcher>;

/** Sets the post's claim and, when the claim has a verdict that decides it, its risk. */
function applyClaim(post: EnrichedPost, claim: Claim): void {
  post.claim = { id: claim.id, ...(claim.verdict ? { verdict: claim.verdict.value } : {}) };
  const risk = claim.verdict ? riskFromVerdict(claim.verdict.value) : null;
  if (risk !== null && claim.verdict) {
    post.classification = { ...post.classification, misinformation: { score: risk, reasons: [...post.classification.misinformation.reasons.filter((r) => !r.startsWith('verdict:')), `verdict:${claim.verdict.value}`] } };
  }
}

function linkFor(post: EnrichedPost, claimId: string, kind: ClaimLink['kind'], state: ClaimLink['state'], similarity: number, at: string, prev?: ClaimLink): ClaimLink {
  return {
    postId: post.id,
    claimId,
    state,
    kind,
    similarity,
    network: post.network,
    sector: post.classification.sector.label,
    municipality: post.municipality,
    publishedAt: post.publishedAt,
    linkedAt: prev?.linkedAt ?? at,
    reach: reachOf(post.engagement),
    ...(post.engagement ? { engagement: post.engagement } : {}),
    ...(prev?.by ? { by: prev.by } : {}),
  };
}

/**
 * Propagation for the pipeline: before a batch is indexed, each post keeps the claim it already
 * belongs to (a re-fetch refreshes its counters on the link), a repost or forward joins its
 * original's claim, and a new post that matches a claim joins it (high band) or is suggested to
 * the desk (middle band). A claim's verdict sets the post's risk, so the incident rule sees it.
 */
export function createClaimPropagation(deps: { desk: Pick<DeskRepository, 'getLinks' | 'putLinks'>; matcher: ClaimMatcher; log: Logger }) {
  return {
    /** Mutates the posts (claim, risk) and returns the links to write once the posts are indexed. */
    async apply(posts: readonly EnrichedPost[], now: Date): Promise<ClaimLink[]> {
      if (posts.length === 0) return [];
      await deps.matcher.refresh();
      const at = now.toISOString();
      const existing = await deps.desk.getLinks(posts.map((p) => p.id));
      const reposted = [...new Set(posts.flatMap((p) => (p.repostOf && !existing.has(p.id) ? [p.repostOf] : [])))];
      const originals = await deps.desk.getLinks(reposted);
      const out: ClaimLink[] = [];
      for (const post of posts) {
        const prev = existing.get(post.id);
        if (prev?.state === 'linked') {
          const claim = deps.matcher.claimById(prev.claimId);
          if (claim) applyClaim(post, claim);
          else post.claim = { id: prev.claimId };
          out.push(linkFor(post, prev.claimId, prev.kind, 'linked', prev.similarity, at, prev));
          continue;
        }
        const original = post.repostOf ? originals.get(post.repostOf) : undefined;
        if (original?.state === 'linked') {
          const claim = deps.matcher.claimById(original.claimId);
          if (claim) applyClaim(post, claim);
          else post.claim = { id: original.claimId };
          out.push(linkFor(post, original.claimId, 'repost', 'linked', 1, at));
          continue;
        }
        // A rejected suggestion is not offered again for the same claim.
        const m = deps.matcher.match(post.text, prev?.state === 'rejected' ? new Set([prev.claimId]) : new Set());
        if (!m) {
          if (prev) out.push({ ...prev, reach: reachOf(post.engagement), ...(post.engagement ? { engagement: post.engagement } : {}) });
          continue;
        }
        if (m.band === 'link') {
          applyClaim(post, m.claim);
          out.push(linkFor(post, m.claim.id, 'auto', 'linked', m.score, at));
        } else if (prev?.state !== 'suggested' || m.score > prev.similarity) {
          out.push(linkFor(post, m.claim.id, 'auto', 'suggested', m.score, at));
        } else out.push({ ...prev, reach: reachOf(post.engagement) });
      }
      return out;
    },
    async write(links: readonly ClaimLink[]): Promise<void> {
      await deps.desk.putLinks(links, { refresh: false });
    },
  };
}
export type ClaimPropagation = ReturnType<typeof createClaimPropagation>;
