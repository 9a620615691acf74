/**
 * The operators' grouping decisions as labelled post pairs, in the pair format of
 * data/grouping (`npm run eval:grouping -- --operators=<file>` measures the rule on such a file):
 * - a merge says the two incidents tell one problem (`same: true`), whether the operator merged by
 *   hand or confirmed a suggestion;
 * - a split says the post split out tells another problem than the incident it was taken from;
 * - a dismissed suggestion says the incident is not the one it was suggested to join.
 * Each pair is the two incidents' opening posts, the earlier first; when one pair was decided more
 * than once (split, then merged back), the latest decision stands. The decisions come from the
 * audit trail (indexed by action), the texts from the incidents as they are now (an erasure has
 * already rewritten them). Who decided is not written: the pairs carry texts, municipalities and
 * the decision's time only. At most the newest 10,000 decisions of each kind are read (Elasticsearch's
 * result window); `from` / `to` take older ones in slices.
 *
 * Pair files written by hand weigh a post against one other post; the stream weighs it against
 * hundreds of open incidents, and a model fitted on hand-written pairs learned their mixture
 * (docs/ARCHITECTURE.md, "Thirteenth iteration"). These labels are the stream's own.
 */
import type { AuditAction } from '../domain/audit';
import type { GroupingPair } from '../pipeline/grouping-eval';
import type { AuditRepository } from '../repositories/audit.repository';
import type { IncidentDoc, IncidentsRepository } from '../repositories/incidents.repository';

/** One labelled pair, as data/grouping/*.jsonl writes it, with where it came from and when. */
export interface OperatorPair extends GroupingPair {
  /** When the decision was made. */
  at: string;
  source: 'operators';
}

/** The decisions read, and for each the incident it names besides the audited one. */
const DECISIONS: { action: AuditAction; same: boolean; other: (details: Record<string, unknown>) => unknown }[] = [
  { action: 'incident.merge', same: true, other: (d) => d.targetId },
  { action: 'incident.split', same: false, other: (d) => d.newIncidentId },
  { action: 'incident.dismiss_suggestion', same: false, other: (d) => d.suggested },
];

const PAGE = 500;

export async function operatorGroupingPairs(
  deps: { audit: Pick<AuditRepository, 'search'>; incidents: Pick<IncidentsRepository, 'getMany'> },
  opts: { from?: string; to?: string; max?: number } = {},
): Promise<OperatorPair[]> {
  // Offset paging stays within Elasticsearch's 10,000-hit window per action.
  const max = Math.min(opts.max ?? 10_000, 10_000);
  const decided: { at: string; action: AuditAction; same: boolean; ids: [string, string] }[] = [];
  for (const d of DECISIONS) {
    for (let offset = 0; offset < max; offset += PAGE) {
      const page = await deps.audit.search({ action: d.action, outcome: 'success', ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), offset, size: Math.min(PAGE, max - offset) });
      for (const r of page.items) {
        const other = d.other(r.details ?? {});
        if (r.target && typeof other === 'string' && other !== r.target) decided.push({ at: r.at, action: d.action, same: d.same, ids: [r.target, other] });
      }
      if (page.items.length < PAGE || offset + PAGE >= page.total) break;
    }
  }
  const incidents = new Map<string, IncidentDoc>();
  const wanted = [...new Set(decided.flatMap((d) => d.ids))];
  for (let i = 0; i < wanted.length; i += PAGE) for (const doc of await deps.incidents.getMany(wanted.slice(i, i + PAGE))) incidents.set(doc.id, doc);
  // The latest decision about a pair of posts stands.
  const latest = new Map<string, OperatorPair>();
  for (const d of decided.sort((x, y) => x.at.localeCompare(y.at))) {
    const [x, y] = d.ids.map((id) => incidents.get(id));
    if (!x || !y || x.post_id === y.post_id) continue;
    // The earlier post first (the order the stream brought them in; opened first on a tie).
    const earlier = x.published_at !== y.published_at ? x.published_at < y.published_at : x.created_at <= y.created_at;
    const [first, second] = earlier ? [x, y] : [y, x];
    const key = [first.post_id, second.post_id].sort().join('\n');
    latest.delete(key);
    latest.set(key, {
      same: d.same,
      note: `operators: ${d.action.replace('incident.', '')} ${d.ids[0]} ${d.ids[1]}`,
      a: first.text,
      b: second.text,
      m: first.municipality,
      ...(second.municipality !== first.municipality ? { mb: second.municipality } : {}),
      at: d.at,
      source: 'operators',
    });
  }
  return [...latest.values()];
}
