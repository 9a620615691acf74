/**
 * `npm run export:grouping-labels -- --out pairs.jsonl [--from <ISO time>] [--to <ISO time>]` — the
 * operators' grouping decisions (merges, splits, dismissed suggestions) as labelled post pairs in
 * the format of data/grouping (src/services/grouping-labels.ts), one JSON object a line; the
 * count on stdout. `npm run eval:grouping -- --operators=pairs.jsonl` measures the shipped rule on
 * them. The file holds public posts' texts and no one's name: keep it where the archive is kept.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import { operatorGroupingPairs } from '../src/services/grouping-labels';

const { values } = parseArgs({ options: { out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
if (!values.out) {
  process.stderr.write('export:grouping-labels: --out <file> is required (the pairs are written there, one JSON object a line)\n');
  process.exit(2);
}
for (const name of ['from', 'to'] as const) {
  const v = values[name];
  if (v !== undefined && Number.isNaN(Date.parse(v))) {
    process.stderr.write(`export:grouping-labels: --${name} must be an ISO time (2026-12-01 or 2026-12-01T08:00:00Z), got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
}
const c = await createContainer(loadConfig(), { name: 'grouping-labels' });
try {
  const pairs = await operatorGroupingPairs({ audit: c.repos.audit, incidents: c.repos.incidents }, { ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) });
  writeFileSync(values.out, pairs.map((p) => `${JSON.stringify(p)}\n`).join(''));
  process.stdout.write(`${values.out}: ${pairs.length} pairs (${pairs.filter((p) => p.same).length} same problem, ${pairs.filter((p) => !p.same).length} another)\n`);
} finally {
  await c.close();
}
