/**
 * Sums the fault suite's ledger (one JSON line per scenario, written by tests/faults) and prints
 * one line per scenario, then `scenarios=… lost=… duplicated=… missed_events=…`. Exits 1 when
 * any count is not 0 or no scenario reported.
 */
import { readFileSync } from 'node:fs';

interface Entry {
  scenario: string;
  posts: number;
  lost: number;
  duplicated: number;
  missed_events: number;
}

const file = process.argv[2];
if (!file) throw new Error('usage: faults-ledger <ledger file>');
const entries = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l) as Entry);
for (const e of entries) process.stdout.write(`${e.scenario.padEnd(26)} posts=${e.posts} lost=${e.lost} duplicated=${e.duplicated} missed_events=${e.missed_events}\n`);
const sum = (k: 'lost' | 'duplicated' | 'missed_events') => entries.reduce((n, e) => n + e[k], 0);
const total = { lost: sum('lost'), duplicated: sum('duplicated'), missed: sum('missed_events') };
process.stdout.write(`scenarios=${entries.length} lost=${total.lost} duplicated=${total.duplicated} missed_events=${total.missed}\n`);
if (entries.length === 0 || total.lost + total.duplicated + total.missed > 0) process.exitCode = 1;
