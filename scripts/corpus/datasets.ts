/** Loaders for every labelled set the trainer and the evaluation use. */
import { readFileSync } from 'node:fs';
import { loadSpbAppeals, type SpbSplit } from './spb-appeals';
import type { CorpusRecord } from './types';
import type { Example } from '../../src/classifier/train';

/** The example type lives with the training core; re-exported here for the data loaders' users. */
export type { Example } from '../../src/classifier/train';

const CORPUS = new URL('../../data/corpus/', import.meta.url);
const TWEETS = new URL('../../../shared/data/rusentitweet/', import.meta.url);

/** `dir`: another corpus folder (the tuning corpus in /tmp/dozor-tune/). */
export function loadCorpus(split: 'train' | 'test', dir: URL = CORPUS): Example[] {
  return readFileSync(new URL(`${split}.jsonl`, dir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CorpusRecord)
    .map((r) => ({ text: r.text, sector: r.sector, complaint: r.complaint, misinformation: r.misinformation, urgent: r.urgent, category: corpusCategory(r), tone: r.tone, weight: 3 }));
}

/**
 * The corpus's category within the sector as a taxonomy code. Chatter and media-only posts are
 * «прочие по направлению»; rumours and debunks are about a claim, not a problem: no category label.
 */
export function corpusCategory(r: Pick<CorpusRecord, 'sector' | 'category'>): string | null {
  if (r.category === 'rumour' || r.category === 'debunk') return null;
  if (r.category === 'chatter' || r.category === 'empty') return `${r.sector}.other`;
  return `${r.sector}.${r.category}`;
}

/**
 * Real appeals to a city portal: every one is a complaint; sectors and categories mapped at reason
 * level (scripts/corpus/spb-appeals.ts). Split by time (`SpbAppeal.split`): Oct 2020 – Jan 2021
 * train, Feb 2021 validation, Mar – Apr 2021 test; no cap per sector (`maxPerSector` only for
 * experiments). SPB_CATEGORIES=0 leaves the categories out (experiments).
 */
export function loadSpb(part: SpbSplit, maxPerSector = Infinity, withCategories = process.env.SPB_CATEGORIES !== '0'): Example[] {
  const counts = new Map<string, number>();
  const out: Example[] = [];
  for (const a of loadSpbAppeals()) {
    if (a.split !== part) continue;
    const n = counts.get(a.sector) ?? 0;
    if (n >= maxPerSector) continue;
    counts.set(a.sector, n + 1);
    out.push({ text: a.text, sector: a.sector, category: withCategories ? a.category : null, complaint: true, misinformation: null, weight: SPB_WEIGHT, svmWeight: SPB_SVM_WEIGHT });
  }
  return out;
}

/**
 * Short problem statements cut from real appeals: the first sentence or clause of an appeal that
 * says more (what a resident writes in a social post before the details: «Не работает лифт»,
 * «Мусор на газоне»), as extra complaints of weight `weight`, complaint label only. Kept when the
 * clause has 2 – 8 words, is shorter than the appeal, and is not a greeting or masked personal data.
 */
export function appealClauses(appeals: readonly Example[], weight: number): Example[] {
  const out: Example[] = [];
  const seen = new Set<string>();
  for (const a of appeals) {
    const clause = firstClause(a.text);
    if (!clause || clause.length >= a.text.trim().length || seen.has(clause)) continue;
    seen.add(clause);
    out.push({ text: clause, sector: null, complaint: true, misinformation: null, weight });
  }
  return out;
}

const GREETING = /^(добр(ый|ого|ое)|здравствуй|уважаем|прошу|просьба|просим|по адресу|адрес|повторно)/i;

/** The first sentence or clause (up to «.», «!», «?», «;», «,» or a line break), or null when unfit. */
export function firstClause(text: string): string | null {
  const m = /^\s*([^.!?;,\n]+)/.exec(text);
  const clause = m?.[1]?.replace(/\s+/g, ' ').trim();
  if (!clause || /XX/.test(clause) || GREETING.test(clause)) return null;
  const words = clause.split(' ').length;
  return words >= 2 && words <= 8 ? clause : null;
}

/** Weight of one real appeal against 3 for a corpus post (tuned on the validation month). */
export const SPB_WEIGHT = 0.3;
/** …and in the SVM-fitted heads (sector, misinformation): as a corpus post (chosen on Feb 2021). */
export const SPB_SVM_WEIGHT = 3;

/**
 * RuSentiTweet: everyday Russian social-media chatter. Not complaints to the authorities and not
 * rumours: it teaches the complaint and misinformation heads what ordinary posts look like.
 */
export function loadTweets(part: 'train' | 'val' | 'test', max = Infinity): Example[] {
  // The validation tweets are a fifth of the train file (by text hash); the test file stays apart.
  const file = readFileSync(new URL(`rusentitweet_${part === 'test' ? 'test' : 'train'}.csv`, TWEETS), 'utf8');
  const out: Example[] = [];
  for (const row of parseCsv(file).slice(1)) {
    const [text, label] = row;
    if (!text || label === 'skip') continue;
    if (part !== 'test' && (fnv(text) % 5 === 0) !== (part === 'val')) continue;
    // «speech» (greetings, congratulations) is a speech act, not a tone: no tone label.
    const tone = label === 'positive' || label === 'negative' || label === 'neutral' ? label : null;
    out.push({ text, sector: null, complaint: false, misinformation: false, tone, weight: 0.5 });
    if (out.length >= max) break;
  }
  return out;
}

function fnv(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, newlines in quotes). */
export function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const WRITTEN = new URL('../../data/written/', import.meta.url);

/**
 * Sets written by hand for this project, apart from the corpus generator (data/written/README.md):
 * rumours for training (`rumours-train`), validation (`rumours-val`) and test (`rumours-test`) on
 * three disjoint sets of topics, urgency validation and test sets, and short social complaints
 * with hard non-complaints (`complaint-train`, `complaint-val`, `complaint-test`; three separate
 * writers' batches, towns, streets and topics kept apart). Weight 3, as a corpus post.
 */
export type WrittenSet = 'rumours-train' | 'rumours-val' | 'rumours-test' | 'urgency-val' | 'urgency-test' | 'complaint-train' | 'complaint-val' | 'complaint-test';
export function loadWritten(name: WrittenSet): Example[] {
  return readFileSync(new URL(`${name}.jsonl`, WRITTEN), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { text: string; misinformation?: boolean; urgent?: boolean; complaint?: boolean })
    .map((r) => ({ text: r.text, sector: null, complaint: r.complaint ?? null, misinformation: r.misinformation ?? null, urgent: r.urgent ?? null, weight: 3 }));
}

/** Every n-th item, so that a sample is spread over the whole (time-ordered) set. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * A mixed real set for the complaint head: appeals to the city portal (complaints) and as many
 * ordinary tweets (not complaints), both from the same split — `val`: Feb 2021 appeals and the
 * validation fifth of RuSentiTweet's train file; `test`: Mar – Apr 2021 appeals and RuSentiTweet's
 * test file.
 */
export function mixedComplaintSet(part: 'val' | 'test'): Example[] {
  const tweets = loadTweets(part).map((e) => ({ ...e, tone: null }));
  const appeals = spread(loadSpb(part), tweets.length).map((e) => ({ ...e, category: null }));
  return [...appeals, ...tweets];
}

/**
 * The training data of the shipped model: the corpus, the St Petersburg appeals, tweets, written
 * rumours. `refit` (the default, what ships): appeals of Oct 2020 – Feb 2021 — the validation
 * month is added back once every hyper-parameter was chosen, as is usual, so the model has seen
 * the month nearest the ones it will meet. The appeals then weigh together what the Oct 2020 –
 * Jan 2021 appeals weighed when their weights (SPB_WEIGHT, SPB_SVM_WEIGHT) were chosen: each one
 * a little less, so the balance of real and synthetic text stays the one chosen on both
 * validation sets (docs/CLASSIFIER.md). `refit: false`: the appeals of Oct 2020 – Jan 2021 at the
 * weights as chosen — the data every choice was made on (tuning scripts; the thresholds whose
 * validation set the refit would train on, see trainModel's `selection`).
 */
export function trainingSets(refit = true): Record<'corpus' | 'spbAppeals' | 'rusentitweet' | 'writtenRumours' | 'writtenComplaints', Example[]> {
  const train = loadSpb('train');
  const scale = train.length / (train.length + loadSpb('val').length);
  const spbAppeals = refit ? [...train, ...loadSpb('val')].map((e) => ({ ...e, weight: e.weight * scale, svmWeight: (e.svmWeight ?? e.weight) * scale })) : train;
  // Short resident posts labelled complaint / not (no sector): the complaint head's only social text
  // written as residents write (docs/CLASSIFIER.md, «Short social complaints»).
  const writtenComplaints = loadWritten('complaint-train').map((e) => ({ ...e, weight: WRITTEN_COMPLAINT_WEIGHT }));
  return { corpus: loadCorpus('train'), spbAppeals, rusentitweet: loadTweets('train'), writtenRumours: loadWritten('rumours-train'), writtenComplaints };
}

/**
 * Weight of a written training post for the complaint head (a corpus post weighs 3): chosen on
 * validation with scripts/corpus/tune-complaint.ts — 6 to 15 tie on the written social and the
 * mixed Feb sets and the synthetic validation (docs/CLASSIFIER.md, «Short social complaints»).
 */
export const WRITTEN_COMPLAINT_WEIGHT = 10;

/**
 * Validation sets for the thresholds, sharing no templates or topics with any test set: the mixed
 * Feb 2021 complaint set and the written social complaint set (measured; chooses by
 * `TrainOptions.complaintSocialWeight`), the written urgency validation set, the written
 * validation rumours with 300 validation tweets as ordinary posts.
 */
export function validationSets() {
  return {
    complaint: mixedComplaintSet('val'),
    complaintSocial: loadWritten('complaint-val'),
    urgency: loadWritten('urgency-val'),
    misinformation: [...loadWritten('rumours-val'), ...spread(loadTweets('val'), 300)],
  };
}
