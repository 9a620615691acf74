import { can, type SessionUser } from '../domain/access';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';
import { auditRecord, authorViewEvent } from '../domain/audit';
import type { AuditRepository } from '../repositories/audit.repository';
import type { PostDoc, PostsRepository } from '../repositories/posts.repository';
import type { AnalyzedText } from '../text/analyze';
import type { ExplanationService, PostExplanation } from './explanation.service';
import type { Gazetteer } from './gazetteer.service';
import { scopedMunicipalities, scopedSectors } from './incidents.service';

export interface PostSearchParams {
  q?: string;
  sector?: Sector;
  municipality?: string;
  network?: Network;
  from?: string;
  to?: string;
  page: number;
  size: number;
}

/** A piece of highlighted text: `hit` pieces matched the query (same word or same stem). */
export interface TextSegment {
  text: string;
  hit: boolean;
}

export interface PostCard {
  id: string;
  network: Network;
  kind: 'post' | 'comment';
  url: string;
  text: string;
  highlight: TextSegment[][];
  author: { name: string; url?: string } | null;
  publishedAt: string;
  sector: Sector;
  sectorConfidence: number;
  municipality: string;
  municipalityName: string;
  complaint: boolean;
  misinformationScore: number;
  /** Problem category code and tone (null on posts stored before these outputs existed). */
  category: string | null;
  tone: 'negative' | 'neutral' | 'positive' | null;
  urgent: boolean;
  urgencyReasons: string[];
  organisations: { kind: string; name: string }[];
  address: { street: string; house?: string; known: boolean } | null;
  incidentId: string | null;
  modelVersion: string;
}

const WORD = /[\p{L}\p{N}]+/gu;
const FRAGMENT_CHARS = 160;

/**
 * Highlights in Node rather than in Elasticsearch: the stems live in a separate field, so only we
 * can map a stem match back onto the original words. Returns up to `max` fragments as segments
 * (never HTML), so clients render them as text.
 */
export function highlight(text: string, queryStems: ReadonlySet<string>, stemOf: (word: string) => string, max = 3): TextSegment[][] {
  if (queryStems.size === 0) return [];
  const hits: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    if (queryStems.has(stemOf(m[0]))) hits.push([m.index, m.index + m[0].length]);
  }
  const fragments: TextSegment[][] = [];
  let i = 0;
  while (i < hits.length && fragments.length < max) {
    const start = Math.max(0, (hits[i] as [number, number])[0] - FRAGMENT_CHARS / 4);
    const end = Math.min(text.length, start + FRAGMENT_CHARS);
    const segs: TextSegment[] = [];
    let pos = start;
    while (i < hits.length && (hits[i] as [number, number])[1] <= end) {
      const [a, b] = hits[i] as [number, number];
      if (a > pos) segs.push({ text: text.slice(pos, a), hit: false });
      segs.push({ text: text.slice(a, b), hit: true });
      pos = b;
      i++;
    }
    if (pos < end) segs.push({ text: text.slice(pos, end), hit: false });
    if (start > 0) segs.unshift({ text: '…', hit: false });
    if (end < text.length) segs.push({ text: '…', hit: false });
    fragments.push(segs);
    if (i < hits.length && (hits[i] as [number, number])[1] > end && (hits[i] as [number, number])[0] < end) i++;
  }
  return fragments;
}

export function createSearchService(deps: {
  posts: PostsRepository;
  audit: AuditRepository;
  gazetteer: Gazetteer;
  analyze(text: string): AnalyzedText;
  /** Per-label explanations of stored posts (GET /api/posts/:id/explanation). */
  explainer?: ExplanationService;
}) {
  const stemOf = (word: string) => deps.analyze(word).stems[0] ?? word.toLowerCase();

  function present(doc: PostDoc, viewer: SessionUser, stems: ReadonlySet<string>): PostCard {
    return {
      id: doc.id,
      network: doc.network,
      kind: doc.kind,
      url: doc.url,
      text: doc.text,
      highlight: highlight(doc.text, stems, stemOf),
      author: can(viewer.role, 'posts:author') ? { name: doc.author.name, ...(doc.author.url ? { url: doc.author.url } : {}) } : null,
      publishedAt: doc.published_at,
      sector: doc.sector,
      sectorConfidence: doc.sector_confidence,
      municipality: doc.municipality,
      municipalityName: deps.gazetteer.nameOf(doc.municipality),
      complaint: doc.complaint,
      misinformationScore: doc.misinfo_score,
      category: doc.category ?? null,
      tone: doc.tone ?? null,
      urgent: doc.urgent ?? false,
      urgencyReasons: doc.urgency_reasons ?? [],
      organisations: doc.organisations ?? [],
      address: doc.address ?? null,
      incidentId: doc.incident_id ?? null,
      modelVersion: doc.model_version,
    };
  }

  return {
    /** Full-text search over original and stemmed text, always inside the viewer's scope. Audited. */
    async search(viewer: SessionUser, p: PostSearchParams, ip?: string): Promise<{ total: number; page: number; size: number; items: PostCard[] }> {
      const sectors = scopedSectors(viewer, p.sector);
      const municipalities = scopedMunicipalities(viewer, p.municipality);
      await deps.audit.append(
        auditRecord(viewer, {
          action: 'post.search',
          outcome: 'success',
          ...(ip ? { ip } : {}),
          details: { q: p.q ?? null, sector: p.sector ?? null, municipality: p.municipality ?? null, network: p.network ?? null, from: p.from ?? null, to: p.to ?? null },
        }),
      );
      if (sectors?.length === 0 || municipalities?.length === 0) return { total: 0, page: p.page, size: p.size, items: [] };
      const q = p.q?.trim();
      const stems = q ? deps.analyze(q).stems : [];
      const res = await deps.posts.search({
        ...(q ? { text: q, stems } : {}),
        ...(sectors ? { sectors } : {}),
        ...(municipalities ? { municipalities } : {}),
        ...(p.network ? { networks: [p.network] } : {}),
        ...(p.from ? { from: p.from } : {}),
        ...(p.to ? { to: p.to } : {}),
        offset: (p.page - 1) * p.size,
        size: p.size,
      });
      const stemSet = new Set(stems);
      const items = res.hits.map((d) => present(d, viewer, stemSet));
      const withAuthor = items.filter((i) => i.author !== null).map((i) => i.id);
      if (withAuthor.length > 0) await deps.audit.append(auditRecord(viewer, authorViewEvent({ via: 'search', postIds: withAuthor }, ip)));
      return { total: res.total, page: p.page, size: p.size, items };
    },

    /** The features behind each label of a stored post; scoped like search (out of scope → 404). */
    async explain(viewer: SessionUser, postId: string): Promise<PostExplanation> {
      if (!deps.explainer) throw new Error('explanations are not configured in this process');
      return deps.explainer.explain(viewer, postId);
    },
  };
}
export type SearchService = ReturnType<typeof createSearchService>;
