import { randomUUID } from 'node:crypto';
import { inScope, type Scope, type SessionUser } from '../domain/access';
import {
  canMoveStatus,
  copiesPerHour,
  DESK_LIMITS,
  isAccelerating,
  isHarmfulVerdict,
  queuePriority,
  reachOf,
  riskFromVerdict,
  VERDICT_TITLES_RU,
  verdictNeedsEvidence,
  warningText,
  type Claim,
  type ClaimLink,
  type ClaimStatus,
  type DebunkPublication,
  type Evidence,
  type Verdict,
} from '../domain/claim';
import { auditRecord, type AuditAction } from '../domain/audit';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { CorrectionsRepository } from '../repositories/corrections.repository';
import type { DeskRepository, QueuePostDoc, ScopeFilter } from '../repositories/desk.repository';
import { bandOf, bestSimilarity } from '../text/claim-similarity';
import type { ClaimMatcher } from './claim-matcher.service';
import type { CorrectionsService } from './corrections.service';
import type { Gazetteer } from './gazetteer.service';

export interface DeskPolicy {
  queueThreshold: number;
  queueWindowHours: number;
  spreadAlertPerHour: number;
}

/** Hours over which a claim's velocity (copies per hour) is averaged in the queue. */
const VELOCITY_WINDOW_HOURS = 6;
/** How far back a new claim looks for copies that arrived before it. */
const BACKFILL_DAYS = 30;

export interface QueueFilters {
  sector?: Sector;
  municipality?: string;
  network?: Network;
  /** `open` (default): posts not yet in a claim with a verdict; `all`: every risky post. */
  status?: 'open' | 'all';
  limit: number;
}

export interface QueueItem {
  postId: string;
  network: Network;
  url: string;
  text: string;
  author: { name: string; url?: string } | null;
  publishedAt: string;
  sector: Sector;
  municipality: string;
  municipalityName: string;
  risk: number;
  riskReasons: string[];
  reach: number;
  engagement: { likes?: number; comments?: number; reposts?: number; views?: number };
  velocity: number;
  priority: number;
  claim: { id: string; title: string; status: ClaimStatus; verdict: Verdict | null } | null;
}

export interface ClaimPostView {
  postId: string;
  network: Network;
  url: string;
  text: string;
  publishedAt: string;
  municipality: string;
  state: ClaimLink['state'];
  kind: ClaimLink['kind'];
  similarity: number;
  reach: number;
}

export interface SpreadView {
  copies: { at: string; copies: number; reach: number }[];
  publications: DebunkPublication[];
  totals: { copies: number; reach: number; publications: number; publicationReach: number };
  copiesLastHour: number;
  copiesPreviousHour: number;
  accelerating: boolean;
}

export interface ClaimView extends Omit<Claim, 'matchTexts'> {
  verdictTitle: string | null;
  municipalityName: string;
}

export interface ClaimDetail {
  claim: ClaimView;
  posts: ClaimPostView[];
  suggestions: ClaimPostView[];
  spread: SpreadView;
}

export interface VerdictInput {
  verdict: Verdict;
  debunk: string;
  evidence: Evidence[];
}

export interface SuggestionView extends ClaimPostView {
  claimId: string;
  claimTitle: string;
}

export interface SpreadAlert {
  claimId: string;
  title: string;
  verdict: Verdict;
  copiesLastHour: number;
  copiesPreviousHour: number;
  threshold: number;
}

export interface WarningPack {
  claimId: string;
  claim: string;
  verdict: Verdict;
  verdictTitle: string;
  debunk: string;
  sources: Evidence[];
  analyst: string;
  at: string;
  text: string;
}

function scopeFilter(scope: Scope): ScopeFilter {
  return {
    ...(scope.sectors !== 'all' ? { sectors: scope.sectors } : {}),
    ...(scope.municipalities !== 'all' ? { municipalities: scope.municipalities } : {}),
  };
}

/** Narrows the viewer's scope by a requested filter; a filter outside the scope selects nothing. */
function narrowed(scope: Scope, f: { sector?: Sector; municipality?: string; network?: Network }): ScopeFilter {
  const base = scopeFilter(scope);
  return {
    ...base,
    ...(f.sector ? { sectors: base.sectors ? base.sectors.filter((s) => s === f.sector) : [f.sector] } : {}),
    ...(f.municipality ? { municipalities: base.municipalities ? base.municipalities.filter((m) => m === f.municipality) : [f.municipality] } : {}),
    ...(f.network ? { networks: [f.network] } : {}),
  };
}

function checkText(field: string, value: string, max: number): string {
  const v = value.trim();
  if (v === '') throw new ValidationError(`${field}: must not be empty`, { field });
  if (v.length > max) throw new ValidationError(`${field}: at most ${max} characters`, { field });
  return v;
}

/** Evidence links must be http(s) URLs: they are published on official pages. */
function checkUrl(field: string, url: string): string {
  if (url.length > DESK_LIMITS.urlChars) throw new ValidationError(`${field}: at most ${DESK_LIMITS.urlChars} characters`, { field });
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ValidationError(`${field}: an http(s) link`, { field });
  }
  return url;
}

/**
 * The misinformation desk: a queue of risky posts ranked by risk × reach × velocity, claims that
 * group the posts asserting the same thing, verdicts with evidence and debunks, their spread and
 * the warning pack. Every change is audited; everything is scoped like the operators' work.
 */
export function createDeskService(deps: {
  desk: DeskRepository;
  matcher: ClaimMatcher;
  audit: Pick<AuditRepository, 'append'>;
  corrections: Pick<CorrectionsService, 'correct'>;
  correctionsRepo: Pick<CorrectionsRepository, 'append' | 'findPost'>;
  gazetteer: Pick<Gazetteer, 'nameOf'>;
  policy: DeskPolicy;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { desk } = deps;

  async function audit(viewer: SessionUser, action: AuditAction, target: string, details: Record<string, unknown>, ip?: string): Promise<void> {
    await deps.audit.append(auditRecord(viewer, { action, outcome: 'success', target, ...(ip ? { ip } : {}), details }, now()));
  }

  async function claimInScope(viewer: SessionUser, id: string) {
    const found = await desk.getClaim(id);
    // Out of scope answers exactly like missing: existence does not leak.
    if (!found || !inScope(viewer.scope, found.claim)) throw new NotFoundError('Claim');
    return found;
  }

  async function postInScope(viewer: SessionUser, postId: string) {
    const [post] = await desk.postsByIds([postId]);
    if (!post || !inScope(viewer.scope, post)) throw new NotFoundError('Post');
    return post;
  }

  const stemsOf = (texts: readonly string[]) => [...new Set(texts.flatMap((t) => [...deps.matcher.fingerprint(t).stems]))].join(' ');

  /** Writes the claim unless it changed meanwhile (re-read and re-apply up to three times). */
  async function updateClaim(viewer: SessionUser, id: string, change: (c: Claim) => Claim): Promise<Claim> {
    for (let attempt = 0; ; attempt++) {
      const found = await claimInScope(viewer, id);
      const next = { ...change(found.claim), updatedAt: now().toISOString() };
      if (await desk.saveClaim(next, stemsOf(next.matchTexts), found)) {
        await desk.bumpVersion();
        return next;
      }
      if (attempt >= 2) throw new ConflictError('the claim changed while it was being saved; try again');
    }
  }

  function present(c: Claim): ClaimView {
    return {
      id: c.id,
      title: c.title,
      status: c.status,
      verdict: c.verdict,
      sector: c.sector,
      municipality: c.municipality,
      publications: c.publications,
      mergedInto: c.mergedInto,
      createdAt: c.createdAt,
      createdBy: c.createdBy,
      updatedAt: c.updatedAt,
      verdictTitle: c.verdict ? VERDICT_TITLES_RU[c.verdict.value] : null, municipalityName: deps.gazetteer.nameOf(c.municipality) };
  }

  function postView(l: ClaimLink, p: QueuePostDoc | undefined): ClaimPostView {
    return {
      postId: l.postId,
      network: l.network,
      url: p?.url ?? '',
      text: p?.text ?? '',
      publishedAt: l.publishedAt,
      municipality: l.municipality,
      state: l.state,
      kind: l.kind,
      similarity: Math.round(l.similarity * 1000) / 1000,
      reach: l.reach,
    };
  }

  /** Posts' claim fields and risk from the claim's verdict (null verdict: the claim only). */
  async function stampPosts(postIds: readonly string[], claim: Claim): Promise<void> {
    const posts = await desk.postsByIds(postIds);
    const risk = claim.verdict ? riskFromVerdict(claim.verdict.value) : null;
    await desk.updatePosts(
      posts.map((p) => ({
        index: p._index,
        id: p.id,
        doc: {
          claim_id: claim.id,
          ...(claim.verdict ? { claim_verdict: claim.verdict.value } : {}),
          ...(risk !== null && claim.verdict ? { misinfo_score: risk, misinfo_reasons: [...(p.misinfo_reasons ?? []).filter((r) => !r.startsWith('verdict:')), `verdict:${claim.verdict.value}`] } : {}),
        },
      })),
    );
  }

  function linkOf(p: QueuePostDoc, claimId: string, kind: ClaimLink['kind'], state: ClaimLink['state'], similarity: number, by?: string): ClaimLink {
    return {
      postId: p.id,
      claimId,
      state,
      kind,
      similarity,
      network: p.network,
      sector: p.sector,
      municipality: p.municipality,
      publishedAt: p.published_at,
      linkedAt: now().toISOString(),
      reach: reachOf(p.engagement),
      ...(p.engagement ? { engagement: p.engagement } : {}),
      ...(by ? { by } : {}),
    };
  }

  /**
   * Copies that arrived before the claim (or before a verdict): candidates from Elasticsearch by
   * shared stems, scored by the matcher; high band linked, middle band suggested. Posts already in
   * another claim, and rejected suggestions, are left alone.
   */
  async function backfill(claim: Claim): Promise<{ linked: string[]; suggested: number }> {
    const since = new Date(now().getTime() - BACKFILL_DAYS * 86_400_000).toISOString();
    const candidates = await desk.candidatePosts(stemsOf(claim.matchTexts), since, 500);
    const existing = await desk.getLinks(candidates.map((c) => c.id));
    const prints = claim.matchTexts.map(deps.matcher.fingerprint);
    const links: ClaimLink[] = [];
    for (const p of candidates) {
      const prev = existing.get(p.id);
      if (prev && (prev.state === 'linked' || (prev.state === 'rejected' && prev.claimId === claim.id))) continue;
      const s = bestSimilarity(deps.matcher.fingerprint(p.text), prints);
      const band = bandOf(s.score, deps.matcher.bands);
      if (!band) continue;
      if (band === 'suggest' && prev?.state === 'suggested' && prev.similarity >= s.score) continue;
      links.push(linkOf(p, claim.id, 'auto', band === 'link' ? 'linked' : 'suggested', s.score));
    }
    await desk.putLinks(links, { refresh: true });
    const linked = links.filter((l) => l.state === 'linked').map((l) => l.postId);
    await stampPosts(linked, claim);
    return { linked, suggested: links.length - linked.length };
  }

  async function spreadOf(claim: Claim): Promise<SpreadView> {
    const t = now().getTime();
    const [copies, counts1, counts2] = await Promise.all([
      desk.histogram(claim.id, '1h'),
      desk.copiesBetween([claim.id], new Date(t - 3_600_000).toISOString(), new Date(t + 60_000).toISOString()),
      desk.copiesBetween([claim.id], new Date(t - 7_200_000).toISOString(), new Date(t - 3_600_000).toISOString()),
    ]);
    const last = counts1.get(claim.id) ?? 0;
    const prev = counts2.get(claim.id) ?? 0;
    return {
      copies,
      publications: [...claim.publications].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt)),
      totals: {
        copies: copies.reduce((s, b) => s + b.copies, 0),
        reach: copies.reduce((s, b) => s + b.reach, 0),
        publications: claim.publications.length,
        publicationReach: claim.publications.reduce((s, p) => s + p.reach, 0),
      },
      copiesLastHour: last,
      copiesPreviousHour: prev,
      accelerating: claim.verdict !== null && isHarmfulVerdict(claim.verdict.value) && isAccelerating(last, prev, deps.policy.spreadAlertPerHour),
    };
  }

  return {
    policy: deps.policy,

    /** Risky posts in the viewer's scope, ranked by risk × reach × velocity (copies per hour). */
    async queue(viewer: SessionUser, f: QueueFilters): Promise<{ items: QueueItem[]; threshold: number }> {
      const at = now();
      const since = new Date(at.getTime() - deps.policy.queueWindowHours * 3_600_000).toISOString();
      const posts = await desk.riskyPosts({ ...narrowed(viewer.scope, f), minRisk: deps.policy.queueThreshold, since, size: 1000 });
      const links = await desk.getLinks(posts.map((p) => p.id));
      const claimIds = [...new Set([...links.values()].filter((l) => l.state === 'linked').map((l) => l.claimId))];
      // Velocity of a claim: its linked copies over the last hours; of a lone post: its near copies in the window.
      const velocityFrom = new Date(at.getTime() - VELOCITY_WINDOW_HOURS * 3_600_000).toISOString();
      const claimCopies = await desk.copiesBetween(claimIds, velocityFrom, new Date(at.getTime() + 60_000).toISOString());
      const claims = new Map<string, Claim>();
      for (const id of claimIds) {
        const c = (await desk.getClaim(id))?.claim;
        if (c) claims.set(id, c);
      }
      const prints = posts.map((p) => deps.matcher.fingerprint(p.text));
      const items: QueueItem[] = [];
      posts.forEach((p, i) => {
        const link = links.get(p.id);
        const claim = link?.state === 'linked' ? claims.get(link.claimId) : undefined;
        if ((f.status ?? 'open') === 'open' && claim?.verdict) return;
        let velocity: number;
        if (claim) velocity = (claimCopies.get(claim.id) ?? 0) / VELOCITY_WINDOW_HOURS;
        else {
          const copies = posts.filter((q, j) => j !== i && q.published_at >= velocityFrom && bandOf(bestSimilarity(prints[i]!, [prints[j]!]).score, deps.matcher.bands) === 'link').map((q) => q.published_at);
          velocity = copiesPerHour([...copies, ...(p.published_at >= velocityFrom ? [p.published_at] : [])], at, VELOCITY_WINDOW_HOURS);
        }
        const reach = reachOf(p.engagement);
        velocity = Math.round(velocity * 100) / 100;
        items.push({
          postId: p.id,
          network: p.network,
          url: p.url,
          text: p.text,
          author: viewer.role === 'observer' ? null : { name: p.author.name, ...(p.author.url ? { url: p.author.url } : {}) },
          publishedAt: p.published_at,
          sector: p.sector,
          municipality: p.municipality,
          municipalityName: deps.gazetteer.nameOf(p.municipality),
          risk: p.misinfo_score,
          riskReasons: p.misinfo_reasons ?? [],
          reach,
          engagement: p.engagement ?? {},
          velocity,
          priority: Math.round(queuePriority(p.misinfo_score, reach, velocity) * 1000) / 1000,
          claim: claim ? { id: claim.id, title: claim.title, status: claim.status, verdict: claim.verdict?.value ?? null } : null,
        });
      });
      items.sort((a, b) => b.priority - a.priority || b.publishedAt.localeCompare(a.publishedAt) || a.postId.localeCompare(b.postId));
      return { items: items.slice(0, f.limit), threshold: deps.policy.queueThreshold };
    },

    async listClaims(viewer: SessionUser, q: { status?: ClaimStatus; limit: number }): Promise<ClaimView[]> {
      return (await desk.listClaims({ ...scopeFilter(viewer.scope), ...(q.status ? { status: q.status } : {}), size: q.limit })).map(present);
    },

    /** A new claim from a post in scope; copies already stored are linked or suggested at once. */
    async createClaim(viewer: SessionUser, input: { title: string; postId: string }, ip?: string): Promise<ClaimDetail> {
      const title = checkText('title', input.title, DESK_LIMITS.titleChars);
      const post = await postInScope(viewer, input.postId);
      const existing = (await desk.getLinks([post.id])).get(post.id);
      if (existing?.state === 'linked') throw new ConflictError(`the post already belongs to claim ${existing.claimId}`);
      const at = now().toISOString();
      const claim: Claim = {
        id: `clm_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        title,
        matchTexts: [title, post.text.slice(0, 5000)],
        status: 'in_progress',
        verdict: null,
        sector: post.sector,
        municipality: post.municipality,
        publications: [],
        mergedInto: null,
        createdAt: at,
        createdBy: viewer.id,
        updatedAt: at,
      };
      await desk.createClaim(claim, stemsOf(claim.matchTexts));
      await desk.putLinks([linkOf(post, claim.id, 'seed', 'linked', 1, viewer.id)], { refresh: true });
      await stampPosts([post.id], claim);
      await desk.bumpVersion();
      const filled = await backfill(claim);
      await audit(viewer, 'claim.create', claim.id, { postId: post.id, linked: filled.linked.length, suggested: filled.suggested }, ip);
      return this.getClaim(viewer, claim.id);
    },

    async getClaim(viewer: SessionUser, id: string): Promise<ClaimDetail> {
      const { claim } = await claimInScope(viewer, id);
      const links = await desk.linksOfClaim(id, ['linked', 'suggested'], 1000);
      const posts = new Map((await desk.postsByIds(links.map((l) => l.postId))).map((p) => [p.id, p]));
      const visible = links.filter((l) => inScope(viewer.scope, l));
      return {
        claim: present(claim),
        posts: visible.filter((l) => l.state === 'linked').map((l) => postView(l, posts.get(l.postId))),
        suggestions: visible.filter((l) => l.state === 'suggested').sort((a, b) => b.similarity - a.similarity).map((l) => postView(l, posts.get(l.postId))),
        spread: await spreadOf(claim),
      };
    },

    async setStatus(viewer: SessionUser, id: string, status: ClaimStatus, ip?: string): Promise<ClaimView> {
      let from: ClaimStatus = 'unstarted';
      const next = await updateClaim(viewer, id, (c) => {
        if (c.mergedInto) throw new ConflictError(`the claim was merged into ${c.mergedInto}`);
        from = c.status;
        if (c.status === status) return c;
        if (!canMoveStatus(c.status, status)) throw new ValidationError(`status: cannot move from ${c.status} to ${status}${status === 'verdict' ? ' (record a verdict instead)' : ''}`, { field: 'status' });
        return { ...c, status };
      });
      await audit(viewer, 'claim.status', id, { from, to: status }, ip);
      return present(next);
    },

    /** Records the verdict; linked posts take its risk and new copies get it at once. */
    async recordVerdict(viewer: SessionUser, id: string, input: VerdictInput, ip?: string): Promise<ClaimDetail> {
      const debunk = checkText('debunk', input.debunk, DESK_LIMITS.debunkChars);
      if (input.evidence.length > DESK_LIMITS.evidenceItems) throw new ValidationError(`evidence: at most ${DESK_LIMITS.evidenceItems} items`, { field: 'evidence' });
      const evidence = input.evidence.map((e, i) => ({
        kind: e.kind,
        url: checkUrl(`evidence.${i}.url`, e.url),
        title: checkText(`evidence.${i}.title`, e.title, DESK_LIMITS.evidenceTitleChars),
        ...(e.publisher ? { publisher: checkText(`evidence.${i}.publisher`, e.publisher, DESK_LIMITS.evidenceTitleChars) } : {}),
      }));
      if (verdictNeedsEvidence(input.verdict) && evidence.length === 0) throw new ValidationError(`evidence: a «${VERDICT_TITLES_RU[input.verdict]}» verdict needs at least one piece of evidence`, { field: 'evidence' });
      let previous: Verdict | null = null;
      const claim = await updateClaim(viewer, id, (c) => {
        if (c.mergedInto) throw new ConflictError(`the claim was merged into ${c.mergedInto}`);
        previous = c.verdict?.value ?? null;
        return { ...c, status: 'verdict', verdict: { value: input.verdict, debunk, evidence, analyst: { id: viewer.id, username: viewer.username }, at: now().toISOString() } };
      });
      const linked = (await desk.linksOfClaim(id, ['linked'], 10_000)).map((l) => l.postId);
      await stampPosts(linked, claim);
      const filled = await backfill(claim);
      await audit(viewer, 'claim.verdict', id, { verdict: input.verdict, previous, evidence: evidence.length, debunkChars: debunk.length, posts: linked.length + filled.linked.length }, ip);
      return this.getClaim(viewer, id);
    },

    /** Puts a post in scope into the claim (its text then helps match further copies). */
    async linkPost(viewer: SessionUser, id: string, postId: string, ip?: string): Promise<ClaimDetail> {
      const post = await postInScope(viewer, postId);
      const { claim } = await claimInScope(viewer, id);
      if (claim.mergedInto) throw new ConflictError(`the claim was merged into ${claim.mergedInto}`);
      const prev = (await desk.getLinks([postId])).get(postId);
      if (prev?.state === 'linked' && prev.claimId !== id) throw new ConflictError(`the post already belongs to claim ${prev.claimId}; unlink it there first`);
      await desk.putLinks([linkOf(post, id, 'manual', 'linked', prev?.similarity ?? 1, viewer.id)], { refresh: true });
      const next = await updateClaim(viewer, id, (c) => (c.matchTexts.length < DESK_LIMITS.matchTexts ? { ...c, matchTexts: [...c.matchTexts, post.text.slice(0, 5000)] } : c));
      await stampPosts([postId], next);
      await audit(viewer, 'claim.link', id, { postId }, ip);
      return this.getClaim(viewer, id);
    },

    async unlinkPost(viewer: SessionUser, id: string, postId: string, ip?: string): Promise<ClaimDetail> {
      await claimInScope(viewer, id);
      const post = await postInScope(viewer, postId);
      const prev = (await desk.getLinks([postId])).get(postId);
      if (!prev || prev.claimId !== id || prev.state !== 'linked') throw new NotFoundError('Post in this claim');
      await desk.putLinks([{ ...prev, state: 'rejected', by: viewer.id, linkedAt: now().toISOString() }], { refresh: true });
      await desk.updatePosts([{ index: post._index, id: postId, doc: { claim_id: null, claim_verdict: null } }]);
      await desk.bumpVersion();
      await audit(viewer, 'claim.unlink', id, { postId }, ip);
      return this.getClaim(viewer, id);
    },

    /**
     * The desk decides a suggestion. Either way the decision becomes a training example through
     * the corrections mechanism: a `claim_match` correction (post text, claim, decision) for the
     * matcher, and, when a confirmed claim has a deciding verdict, a misinformation correction.
     */
    async decideSuggestion(viewer: SessionUser, id: string, postId: string, accept: boolean, ip?: string): Promise<ClaimDetail> {
      const { claim } = await claimInScope(viewer, id);
      await postInScope(viewer, postId);
      const prev = (await desk.getLinks([postId])).get(postId);
      if (!prev || prev.claimId !== id || prev.state !== 'suggested') throw new NotFoundError('Suggestion');
      await desk.putLinks([{ ...prev, state: accept ? 'linked' : 'rejected', kind: accept ? 'confirmed' : prev.kind, by: viewer.id, linkedAt: now().toISOString() }], { refresh: true });
      if (accept) await stampPosts([postId], claim);
      const ref = await deps.correctionsRepo.findPost(postId);
      if (ref) {
        await deps.correctionsRepo.append({
          id: randomUUID(),
          at: now().toISOString(),
          actorId: viewer.id,
          actorUsername: viewer.username,
          actorRole: viewer.role,
          postId,
          postIndex: ref.index,
          field: 'claim_match',
          oldValue: { claimId: id, similarity: prev.similarity },
          newValue: { claimId: id, same: accept },
          modelVersion: ref.doc.model_version,
          text: ref.doc.text,
        });
      }
      const risk = claim.verdict ? riskFromVerdict(claim.verdict.value) : null;
      if (accept && risk !== null) await deps.corrections.correct(viewer, postId, { field: 'misinformation', value: risk >= 0.5, comment: `claim ${id}: ${claim.verdict?.value}` }, ip);
      await desk.bumpVersion();
      await audit(viewer, accept ? 'claim.suggestion_confirm' : 'claim.suggestion_reject', id, { postId, similarity: prev.similarity }, ip);
      return this.getClaim(viewer, id);
    },

    async suggestions(viewer: SessionUser, limit: number): Promise<SuggestionView[]> {
      const links = await desk.suggestions(scopeFilter(viewer.scope), limit);
      const posts = new Map((await desk.postsByIds(links.map((l) => l.postId))).map((p) => [p.id, p]));
      const out: SuggestionView[] = [];
      for (const l of links) {
        const c = (await desk.getClaim(l.claimId))?.claim;
        if (!c || !inScope(viewer.scope, c)) continue;
        out.push({ ...postView(l, posts.get(l.postId)), claimId: c.id, claimTitle: c.title });
      }
      return out;
    },

    /** Merges claim `id` into `into`: its posts, texts and publications move; `id` stays as a pointer. */
    async merge(viewer: SessionUser, id: string, into: string, ip?: string): Promise<ClaimDetail> {
      if (id === into) throw new ValidationError('into: a claim cannot be merged into itself', { field: 'into' });
      const source = await claimInScope(viewer, id);
      const target = await claimInScope(viewer, into);
      if (source.claim.mergedInto) throw new ConflictError(`the claim was already merged into ${source.claim.mergedInto}`);
      if (target.claim.mergedInto) throw new ValidationError(`into: that claim was merged into ${target.claim.mergedInto}`, { field: 'into' });
      const links = await desk.allLinksOf(id);
      const merged = await updateClaim(viewer, into, (c) => ({
        ...c,
        matchTexts: [...c.matchTexts, ...source.claim.matchTexts].slice(0, DESK_LIMITS.matchTexts),
        publications: [...c.publications, ...source.claim.publications].slice(0, DESK_LIMITS.publications),
      }));
      await desk.putLinks(links.map((l) => ({ ...l, claimId: into })), { refresh: true });
      await stampPosts(links.filter((l) => l.state === 'linked').map((l) => l.postId), merged);
      await updateClaim(viewer, id, (c) => ({ ...c, mergedInto: into }));
      await audit(viewer, 'claim.merge', id, { into, posts: links.length }, ip);
      return this.getClaim(viewer, into);
    },

    /** Records where the debunk was published and its reach (for the spread chart). */
    async addPublication(viewer: SessionUser, id: string, pub: DebunkPublication, ip?: string): Promise<ClaimDetail> {
      const url = checkUrl('url', pub.url);
      const claim = await updateClaim(viewer, id, (c) => {
        if (!c.verdict) throw new ValidationError('the claim has no verdict yet: record the verdict before its publications', { field: 'url' });
        if (c.publications.length >= DESK_LIMITS.publications) throw new ValidationError(`at most ${DESK_LIMITS.publications} publications`, { field: 'url' });
        return { ...c, publications: [...c.publications, { url, publishedAt: pub.publishedAt, reach: pub.reach, ...(pub.network ? { network: pub.network } : {}) }] };
      });
      await audit(viewer, 'claim.publication', id, { publications: claim.publications.length, reach: pub.reach }, ip);
      return this.getClaim(viewer, id);
    },

    async spread(viewer: SessionUser, id: string): Promise<SpreadView> {
      return spreadOf((await claimInScope(viewer, id)).claim);
    },

    /** Harmful claims in scope whose copies accelerate past the configured rate. */
    async alerts(viewer: SessionUser): Promise<SpreadAlert[]> {
      const claims = (await desk.listClaims({ ...scopeFilter(viewer.scope), withVerdict: true, size: 1000 })).filter((c) => c.verdict && isHarmfulVerdict(c.verdict.value));
      const t = now().getTime();
      const ids = claims.map((c) => c.id);
      const [last, prev] = await Promise.all([
        desk.copiesBetween(ids, new Date(t - 3_600_000).toISOString(), new Date(t + 60_000).toISOString()),
        desk.copiesBetween(ids, new Date(t - 7_200_000).toISOString(), new Date(t - 3_600_000).toISOString()),
      ]);
      return claims
        .filter((c) => isAccelerating(last.get(c.id) ?? 0, prev.get(c.id) ?? 0, deps.policy.spreadAlertPerHour))
        .map((c) => ({ claimId: c.id, title: c.title, verdict: (c.verdict as NonNullable<Claim['verdict']>).value, copiesLastHour: last.get(c.id) ?? 0, copiesPreviousHour: prev.get(c.id) ?? 0, threshold: deps.policy.spreadAlertPerHour }))
        .sort((a, b) => b.copiesLastHour - a.copiesLastHour);
    },

    async warningPack(viewer: SessionUser, id: string): Promise<WarningPack> {
      const { claim } = await claimInScope(viewer, id);
      if (!claim.verdict) throw new NotFoundError('Verdict of this claim');
      const v = claim.verdict;
      return { claimId: claim.id, claim: claim.title, verdict: v.value, verdictTitle: VERDICT_TITLES_RU[v.value], debunk: v.debunk, sources: v.evidence, analyst: v.analyst.username, at: v.at, text: warningText(claim, v) };
    },

    /** Verdicts in scope, newest first; `since` (a verdict time) pages forward for feed readers. */
    async verdictFeed(viewer: SessionUser, q: { since?: string; limit: number }): Promise<WarningPack[]> {
      const claims = await desk.listClaims({ ...scopeFilter(viewer.scope), withVerdict: true, ...(q.since ? { verdictSince: q.since } : {}), size: q.limit });
      return claims.flatMap((c) => (c.verdict ? [{ claimId: c.id, claim: c.title, verdict: c.verdict.value, verdictTitle: VERDICT_TITLES_RU[c.verdict.value], debunk: c.verdict.debunk, sources: c.verdict.evidence, analyst: c.verdict.analyst.username, at: c.verdict.at, text: warningText(c, c.verdict) }] : []));
    },
  };
}
export type DeskService = ReturnType<typeof createDeskService>;
