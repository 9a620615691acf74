/**
 * `npm run eval` — evaluation in one command, built so that it cannot flatter.
 *
 * The shipped model (models/dozor-classifier.bin.gz) is measured beside two baselines trained in
 * the same run on the same training data (scripts/corpus/datasets.ts#trainingSets: corpus train
 * split, St Petersburg appeals of Oct 2020 – Feb 2021 (the validation month added back after every
 * choice was made), RuSentiTweet train, written rumours):
 *   - baseline2: TF-IDF (character 2–5-grams + word 1–2-grams) + one-vs-rest linear SVM (dual
 *     coordinate descent, src/classifier/baseline.ts), its binary thresholds chosen on the same
 *     validation sets as the model's;
 *   - natural's BayesClassifier (`baseline_…`, as before; `--no-baseline` skips it: it trains in
 *     O(documents × vocabulary), minutes).
 * Test sets, none of them seen in training or in choosing thresholds:
 *   - the corpus test split (synthetic; held-out phrasings, cities and frames);
 *   - St Petersburg appeals of Mar – Apr 2021 (real; split by time, a text first seen earlier is
 *     not a test item): sector, category;
 *   - RuSentiTweet's own test file (real; another source): tone;
 *   - a mixed real set: Mar – Apr appeals and as many RuSentiTweet test tweets: complaint accuracy;
 *   - the written urgency and rumour test sets (data/written/, topics and templates never in
 *     training or validation): urgency F1, misinformation F1;
 *   - the written social complaint test set (data/written/complaint-test.jsonl: short resident
 *     complaints and hard non-complaints by another writer, towns, streets and topics apart from
 *     complaint-val): complaint accuracy (`written_complaint_test_acc`, last keys of the line).
 * Per set: per-sector precision/recall/F1, macro-F1, the confusion matrix, complaint, urgency and
 * misinformation figures, category and tone macro-F1. The last line is the summary (keys of the
 * corpus test split first, as before; real-set keys after).
 */
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier';
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru';
import { loadClassifier, type TextClassifier } from '../src/classifier/classifier';
import { accuracy, binaryF1, confusion, macroF1, perClass, type ClassReport } from '../src/classifier/metrics';
import { loadTaxonomy } from '../src/classifier/taxonomy';
import { TONES } from '../src/domain/classification';
import { SECTORS } from '../src/domain/sector';
import { categoryCodes } from '../src/domain/taxonomy';
import { analyze } from '../src/text/analyze';
import { OneVsRestSvm, TfidfVectorizer, type SparseRow } from '../src/classifier/baseline';
import { chooseThreshold, chooseThresholdMeanAccuracy } from '../src/classifier/thresholds';
import { DEFAULT_OPTIONS } from '../src/classifier/train';
import { isUrgent } from '../src/classifier/urgency';
import { loadCorpus, loadSpb, loadTweets, loadWritten, mixedComplaintSet, trainingSets, validationSets, type Example } from './corpus/datasets';

/** What a system says about one text, reduced to what the figures need. */
export interface Prediction {
  sector: string;
  complaint: boolean;
  urgent: boolean;
  misinformation: boolean;
  /** Category code (`housing.heating`); absent when the predictor has none. */
  category?: string;
  tone?: string;
}
export type Predictor = (text: string) => Prediction;

export interface Figures {
  n: number;
  sectorReports: ClassReport[];
  sectorMacroF1: number;
  confusion: number[][];
  complaintAcc: number;
  complaintF1: number;
  urgentF1: number;
  misinfoF1: number;
  /** Macro-F1 over every category code present (a wrong sector makes the category wrong too). */
  categoryMacroF1: number;
  /** Per sector: macro-F1 of the category among the posts whose gold sector it is. */
  categoryBySector: Record<string, number>;
  categoryReports: ClassReport[];
  toneMacroF1: number;
  toneReports: ClassReport[];
}

export function figures(predict: Predictor, set: readonly Example[]): Figures {
  const preds = set.map((e) => predict(e.text));
  const pairs = set.map((e, i) => [e, preds[i] as Prediction] as const);
  const withSector = pairs.filter(([e]) => e.sector !== null);
  const gold = withSector.map(([e]) => e.sector as string);
  const pred = withSector.map(([, p]) => p.sector);
  const sectorReports = perClass(SECTORS, gold, pred);
  const withComplaint = pairs.filter(([e]) => e.complaint !== null);
  const withUrgent = pairs.filter(([e]) => e.urgent !== null && e.urgent !== undefined);
  const withMisinfo = pairs.filter(([e]) => e.misinformation !== null);
  return {
    n: set.length,
    sectorReports,
    sectorMacroF1: macroF1(sectorReports),
    confusion: confusion(SECTORS, gold, pred),
    complaintAcc: accuracy(withComplaint.map(([e]) => e.complaint), withComplaint.map(([, p]) => p.complaint)),
    complaintF1: binaryF1(withComplaint.map(([e]) => e.complaint as boolean), withComplaint.map(([, p]) => p.complaint)),
    urgentF1: withUrgent.length ? binaryF1(withUrgent.map(([e]) => e.urgent as boolean), withUrgent.map(([, p]) => p.urgent)) : NaN,
    misinfoF1: withMisinfo.length ? binaryF1(withMisinfo.map(([e]) => e.misinformation as boolean), withMisinfo.map(([, p]) => p.misinformation)) : NaN,
    ...categoryFigures(pairs),
    ...toneFigures(pairs),
  };
}

const CATEGORY_CODES = categoryCodes(loadTaxonomy());

function categoryFigures(pairs: readonly (readonly [Example, Prediction])[]) {
  const withCat = pairs.filter(([e, p]) => e.sector !== null && e.category && p.category !== undefined);
  const categoryReports = perClass(CATEGORY_CODES, withCat.map(([e]) => e.category as string), withCat.map(([, p]) => p.category as string));
  const categoryBySector: Record<string, number> = {};
  for (const s of SECTORS) {
    const inSector = withCat.filter(([e]) => e.sector === s);
    if (inSector.length === 0) continue;
    const codes = CATEGORY_CODES.filter((c) => c.startsWith(`${s}.`));
    categoryBySector[s] = macroF1(perClass(codes, inSector.map(([e]) => e.category as string), inSector.map(([, p]) => p.category as string)));
  }
  return { categoryMacroF1: withCat.length ? macroF1(categoryReports) : NaN, categoryBySector, categoryReports };
}

function toneFigures(pairs: readonly (readonly [Example, Prediction])[]) {
  const withTone = pairs.filter(([e, p]) => e.tone && p.tone !== undefined);
  const toneReports = perClass(TONES, withTone.map(([e]) => e.tone as string), withTone.map(([, p]) => p.tone as string));
  return { toneMacroF1: withTone.length ? macroF1(toneReports) : NaN, toneReports };
}

/** The shipped model (misinformation flagged at risk ≥ 0.5). */
export function modelPredictor(clf: TextClassifier): Predictor {
  return (text) => {
    const c = clf.classify(analyze(text));
    return { sector: c.sector.label, complaint: c.complaint.value, urgent: c.urgency.value, misinformation: c.misinformation.score >= 0.5, category: c.category.code, tone: c.tone.label };
  };
}

/** The training data scripts/train.ts --ship uses (refitted: appeals of Oct 2020 – Feb 2021). */
export function trainingData(): Example[] {
  return Object.values(trainingSets()).flat();
}

/**
 * baseline2: TF-IDF + one-vs-rest linear SVM per output (C = 0.5, as tuned on the Feb 2021
 * appeals; at most 10 passes of dual coordinate descent), the category within the predicted
 * sector as the model does it, binary thresholds chosen on `validation` like the model's.
 */
export function trainStrongBaseline(examples: readonly Example[], validation: ReturnType<typeof validationSets>, selection?: readonly Example[]): Predictor {
  const opts = { C: 0.5, maxIter: 10 };
  const vec = new TfidfVectorizer().fit([...new Set(examples.map((e) => e.text))]);
  const rows = new Map<string, SparseRow>();
  const row = (t: string) => {
    let r = rows.get(t);
    if (!r) rows.set(t, (r = vec.transform(t)));
    return r;
  };
  const fit = <T extends string>(labels: readonly T[], label: (e: Example) => T | null | undefined, sparse = false, on: readonly Example[] = examples) => {
    const kept = on.filter((e) => {
      const l = label(e);
      return l !== null && l !== undefined;
    });
    return new OneVsRestSvm(labels).fit(kept.map((e) => row(e.text)), kept.map((e) => label(e) as string), { ...opts, sparse });
  };
  const yn = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 'yes' : 'no');
  const seen = new Set(examples.map((e) => e.text));
  const sector = fit(SECTORS, (e) => e.sector);
  const tone = fit(TONES, (e) => e.tone ?? null);
  // `social` (the complaint head): a second validation set, chosen on by its weight as the model's
  // complaint threshold (src/classifier/train.ts#chooseThresholds; weight 0: `val` alone chooses).
  const binary = (label: (e: Example) => boolean | null | undefined, val: Example[], metric: 'f1' | 'accuracy', social?: { set: Example[]; weight: number }) => {
    const svm = fit(['yes', 'no'] as const, (e) => yn(label(e)));
    // As the model's (trainModel's `selection`): a validation set the refit trains on is scored by
    // the same SVM trained on the data the choices were made on.
    const keptOf = (set: Example[]) => set.filter((e) => label(e) !== null && label(e) !== undefined);
    const chooser = selection && keptOf(val).some((e) => seen.has(e.text)) ? fit(['yes', 'no'] as const, (e) => yn(label(e)), false, selection) : svm;
    const scored = (set: Example[]) => {
      const kept = keptOf(set);
      return { scores: kept.map((e) => chooser.scores(row(e.text))[0] as number), gold: kept.map((e) => label(e) as boolean) };
    };
    const v = scored(val);
    const t = social ? chooseThresholdMeanAccuracy([{ ...v, weight: 1 - social.weight }, { ...scored(social.set), weight: social.weight }]) : chooseThreshold(v.scores, v.gold, metric);
    const threshold = Number.isNaN(t.value) ? 0 : t.threshold;
    return (x: SparseRow) => (svm.scores(x)[0] as number) >= threshold;
  };
  const complaint = binary((e) => e.complaint, validation.complaint, 'accuracy', { set: validation.complaintSocial, weight: DEFAULT_OPTIONS.complaintSocialWeight ?? 0 });
  const urgent = binary((e) => e.urgent, validation.urgency, 'f1');
  const misinfo = binary((e) => e.misinformation, validation.misinformation, 'f1');
  const categories = new Map(
    SECTORS.map((s) => [s, fit(CATEGORY_CODES.filter((c) => c.startsWith(`${s}.`)), (e) => (e.category?.startsWith(`${s}.`) ? e.category : null), true)]),
  );
  rows.clear();
  return (text) => {
    const x = vec.transform(text);
    const s = sector.predict(x);
    return { sector: s, complaint: complaint(x), urgent: urgent(x), misinformation: misinfo(x), category: categories.get(s as (typeof SECTORS)[number])?.predict(x) ?? `${s}.other`, tone: tone.predict(x) };
  };
}

/**
 * natural's BayesClassifier (deep import, not the package main) with its Russian Porter stemmer,
 * one classifier per output, each trained on the examples that carry that label.
 */
export function trainBaseline(examples: readonly Example[]): Predictor {
  const make = (label: (e: Example) => string | null) => {
    const b = new BayesClassifier(PorterStemmerRu);
    for (const e of examples) {
      const l = label(e);
      if (l !== null) b.addDocument(e.text, l);
    }
    b.train();
    return b;
  };
  const yn = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 'yes' : 'no');
  const sector = make((e) => e.sector);
  const complaint = make((e) => yn(e.complaint));
  const urgent = make((e) => yn(e.urgent));
  const misinfo = make((e) => yn(e.misinformation));
  const category = make((e) => e.category ?? null);
  const tone = make((e) => e.tone ?? null);
  // natural returns undefined for text with no known stem: fall back to the majority answer.
  const cls = (b: BayesClassifier, text: string, dflt: string) => {
    try {
      return b.classify(text) ?? dflt;
    } catch {
      return dflt;
    }
  };
  return (text) => ({
    sector: cls(sector, text, 'other'),
    complaint: cls(complaint, text, 'no') === 'yes',
    urgent: cls(urgent, text, 'no') === 'yes',
    misinformation: cls(misinfo, text, 'no') === 'yes',
    category: cls(category, text, 'other.other'),
    tone: cls(tone, text, 'neutral'),
  });
}

const f3 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

export function formatFigures(title: string, f: Figures, opts: { sectors?: readonly string[] } = {}): string {
  const shown = opts.sectors ?? SECTORS;
  const lines = [`## ${title} (${f.n} texts)`, '', 'sector         precision  recall     f1  support'];
  for (const r of f.sectorReports) {
    if (!shown.includes(r.label)) continue;
    lines.push(`${r.label.padEnd(13)} ${r.precision.toFixed(3).padStart(10)} ${r.recall.toFixed(3).padStart(7)} ${r.f1.toFixed(3).padStart(6)} ${String(r.support).padStart(8)}`);
  }
  lines.push(`macro-F1 ${f3(f.sectorMacroF1)} (over sectors present)`, '', 'confusion (rows gold, columns predicted):');
  const abbr = SECTORS.map((s) => s.slice(0, 5));
  lines.push(`${''.padEnd(13)}${abbr.map((a) => a.padStart(6)).join('')}`);
  f.confusion.forEach((row, i) => {
    if (row.some((v) => v > 0)) lines.push(`${(SECTORS[i] as string).padEnd(13)}${row.map((v) => String(v).padStart(6)).join('')}`);
  });
  lines.push('', `complaint accuracy ${f3(f.complaintAcc)}, F1 ${f3(f.complaintF1)}; urgent F1 ${f3(f.urgentF1)}; misinformation F1 ${f3(f.misinfoF1)}`);
  if (!Number.isNaN(f.categoryMacroF1)) {
    const by = Object.entries(f.categoryBySector).map(([s, v]) => `${s} ${f3(v)}`);
    lines.push(`category macro-F1 ${f3(f.categoryMacroF1)} (all codes); within sector: ${by.join(', ')}`);
  }
  if (!Number.isNaN(f.toneMacroF1)) lines.push(`tone macro-F1 ${f3(f.toneMacroF1)} (${f.toneReports.map((r) => `${r.label} F1 ${f3(r.f1)}, n=${r.support}`).join('; ')})`);
  lines.push('');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const withBaseline = !process.argv.includes('--no-baseline');
  const out = (s: string) => process.stdout.write(s + '\n');
  const clf = await loadClassifier();
  const sets = {
    corpus: { title: 'corpus test split (synthetic)', set: loadCorpus('test') },
    spb: { title: 'St Petersburg appeals, Mar – Apr 2021 (real, held out by time; every appeal is a complaint)', set: loadSpb('test') },
    tweets: { title: 'RuSentiTweet test file (real, another source; tone)', set: loadTweets('test').filter((e) => e.tone) },
    mixed: { title: 'mixed real set: Mar – Apr 2021 appeals + RuSentiTweet test tweets (complaint)', set: mixedComplaintSet('test') },
    urgency: { title: 'written urgency test set (data/written/urgency-test.jsonl)', set: loadWritten('urgency-test') },
    rumours: { title: 'written rumour test set (data/written/rumours-test.jsonl, topics never in training)', set: loadWritten('rumours-test') },
    complaints: { title: 'written social complaint test set (data/written/complaint-test.jsonl, another writer, towns and topics apart from validation)', set: loadWritten('complaint-test') },
  };
  type Key = keyof typeof sets;
  const spbSectors = [...new Set(sets.spb.set.map((e) => e.sector as string))];
  const show = (who: string, k: Key, f: Figures) => {
    if (k === 'tweets') out(`## ${who} — ${sets[k].title}\n\ntone macro-F1 ${f3(f.toneMacroF1)} (${f.toneReports.map((r) => `${r.label} P ${f3(r.precision)} R ${f3(r.recall)} F1 ${f3(r.f1)}`).join('; ')})\n`);
    else if (k === 'mixed' || k === 'complaints') out(`## ${who} — ${sets[k].title} (${f.n} texts)\n\ncomplaint accuracy ${f3(f.complaintAcc)}, F1 ${f3(f.complaintF1)}\n`);
    else if (k === 'urgency') out(`## ${who} — ${sets[k].title} (${f.n} texts)\n\nurgent F1 ${f3(f.urgentF1)}\n`);
    else if (k === 'rumours') out(`## ${who} — ${sets[k].title} (${f.n} texts)\n\nmisinformation F1 ${f3(f.misinfoF1)}\n`);
    else out(formatFigures(`${who} — ${sets[k].title}`, f, k === 'spb' ? { sectors: spbSectors } : {}));
  };
  const run = (who: string, p: Predictor) => {
    const r = {} as Record<Key, Figures>;
    for (const k of Object.keys(sets) as Key[]) {
      r[k] = figures(p, sets[k].set);
      show(who, k, r[k]);
    }
    return r;
  };

  out(`# Dozor classifier evaluation — model ${clf.version}\n`);
  const m = run('model', modelPredictor(clf));
  const rules = figures((t) => ({ sector: 'other', complaint: false, urgent: isUrgent(analyze(t).normalized), misinformation: false }), sets.urgency.set);
  out(`danger rules alone on the written urgency test set: urgent F1 ${f3(rules.urgentF1)}\n`);

  let t0 = performance.now();
  const train = trainingData();
  const b2 = run('baseline2 (TF-IDF + linear SVM)', trainStrongBaseline(train, validationSets(), Object.values(trainingSets(false)).flat()));
  process.stderr.write(`baseline2 trained and evaluated in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  let bc: Figures | null = null;
  if (withBaseline) {
    t0 = performance.now();
    const baseline = trainBaseline(train);
    process.stderr.write(`natural baseline trained in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    bc = figures(baseline, sets.corpus.set);
    out(formatFigures('natural BayesClassifier baseline — corpus test split', bc));
    out(formatFigures('natural BayesClassifier baseline — St Petersburg appeals, Mar – Apr 2021', figures(baseline, sets.spb.set), { sectors: spbSectors }));
  }

  const row = (name: string, a: number, b: number) => `| ${name} | ${f3(a)} | ${f3(b)} | ${Number.isNaN(a - b) ? 'n/a' : (a - b >= 0 ? '+' : '') + (a - b).toFixed(3)} |`;
  out(['## Summary: model vs baseline2', '', '| figure | model | baseline2 | Δ |', '|---|---|---|---|',
    row('sector macro-F1, corpus test (synthetic)', m.corpus.sectorMacroF1, b2.corpus.sectorMacroF1),
    row('sector macro-F1, SPb Mar – Apr 2021 (real)', m.spb.sectorMacroF1, b2.spb.sectorMacroF1),
    row('category macro-F1, corpus test', m.corpus.categoryMacroF1, b2.corpus.categoryMacroF1),
    row('category macro-F1, SPb Mar – Apr 2021', m.spb.categoryMacroF1, b2.spb.categoryMacroF1),
    row('complaint accuracy, mixed real set', m.mixed.complaintAcc, b2.mixed.complaintAcc),
    row('complaint accuracy, written social test set', m.complaints.complaintAcc, b2.complaints.complaintAcc),
    row('urgent F1, written test set', m.urgency.urgentF1, b2.urgency.urgentF1),
    row('misinformation F1, written test set', m.rumours.misinfoF1, b2.rumours.misinfoF1),
    row('tone macro-F1, RuSentiTweet test', m.tweets.toneMacroF1, b2.tweets.toneMacroF1), ''].join('\n')); // prettier-ignore

  const mc = m.corpus;
  out(
    `sector_macro_f1=${f3(mc.sectorMacroF1)} baseline_sector_macro_f1=${bc ? f3(bc.sectorMacroF1) : 'n/a'} complaint_acc=${f3(mc.complaintAcc)} urgent_f1=${f3(mc.urgentF1)} misinfo_f1=${f3(mc.misinfoF1)}` +
      ` category_macro_f1=${f3(mc.categoryMacroF1)} tone_macro_f1=${f3(mc.toneMacroF1)} spb_sector_macro_f1=${f3(m.spb.sectorMacroF1)} spb_category_macro_f1=${f3(m.spb.categoryMacroF1)} tweets_tone_macro_f1=${f3(m.tweets.toneMacroF1)}` +
      ` baseline2_sector_macro_f1=${f3(b2.corpus.sectorMacroF1)} baseline2_spb_sector_macro_f1=${f3(b2.spb.sectorMacroF1)} mixed_complaint_acc=${f3(m.mixed.complaintAcc)} baseline2_mixed_complaint_acc=${f3(b2.mixed.complaintAcc)}` +
      ` urgent_test_f1=${f3(m.urgency.urgentF1)} baseline2_urgent_test_f1=${f3(b2.urgency.urgentF1)} misinfo_test_f1=${f3(m.rumours.misinfoF1)} baseline2_misinfo_test_f1=${f3(b2.rumours.misinfoF1)}` +
      ` written_complaint_test_acc=${f3(m.complaints.complaintAcc)} baseline2_written_complaint_test_acc=${f3(b2.complaints.complaintAcc)}`,
  );
}
