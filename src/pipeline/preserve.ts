import { isSector } from '../domain/sector';
import type { EnrichedPost } from '../domain/post';
import { ERASED_AUTHOR, ERASED_TEXT, type PostsRepository } from '../repositories/posts.repository';
import type { TombstonesRepository } from '../repositories/tombstones.repository';
import { postFields, type CorrectionInput } from '../services/corrections.service';

export interface PreserveDeps {
  posts: Pick<PostsRepository, 'correctionMarks'>;
  tombstones?: Pick<TombstonesRepository, 'match'>;
}

/**
 * What people decided about a post outlives its re-delivery (a replayed webhook, a connector
 * fetching it again, a retry): a post of an erased author or an erased post is anonymised again
 * as the erasure said, and the human corrections already on the stored post are applied to the
 * new classification (so the incident decision sees them) and to the stored document.
 * Mutates the posts; returns the document overrides for `bulkIndex`.
 */
export async function preserveHumanDecisions(posts: EnrichedPost[], deps: PreserveDeps): Promise<Map<string, Record<string, unknown>>> {
  const overrides = new Map<string, Record<string, unknown>>();
  if (posts.length === 0) return overrides;
  const [tombstones, marks] = await Promise.all([
    deps.tombstones?.match(posts.map((p) => ({ id: p.id, network: p.network, authorId: p.author.id }))) ?? new Map<string, never>(),
    deps.posts.correctionMarks(posts),
  ]);
  for (const p of posts) {
    const t = tombstones.get(p.id);
    if (t) {
      p.author = { ...ERASED_AUTHOR };
      if (t.eraseText) {
        p.text = ERASED_TEXT;
        p.textStems = '';
      }
    }
    const mark = marks.get(p.id);
    if (!mark) continue;
    const doc: Record<string, unknown> = { corrected: mark };
    for (const field of mark.fields) {
      const value = mark.values[field];
      Object.assign(doc, postFields({ field, value } as CorrectionInput));
      applyToClassification(p, field, value);
    }
    overrides.set(p.id, doc);
  }
  return overrides;
}

function applyToClassification(p: EnrichedPost, field: string, value: unknown): void {
  const c = p.classification;
  if (field === 'sector' && typeof value === 'string' && isSector(value)) c.sector = { label: value, confidence: 1 };
  else if (field === 'municipality' && typeof value === 'string') p.municipality = value;
  else if (field === 'complaint' && typeof value === 'boolean') c.complaint = { value, confidence: 1 };
  else if (field === 'urgency' && typeof value === 'boolean') c.urgency = { ...c.urgency, value, confidence: 1 };
  else if (field === 'misinformation' && typeof value === 'boolean') c.misinformation = { ...c.misinformation, score: value ? 1 : 0 };
}
