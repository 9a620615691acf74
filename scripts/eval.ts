/**
 * `npm run eval` — evaluation in one command.
 *
 * For the shipped model (models/dozor-classifier.bin.gz) and, in the same run, for natural's
 * BayesClassifier trained on the same training data (corpus train split + mapped St Petersburg
 * appeals + RuSentiTweet, as scripts/train.ts uses), on two test sets:
 *   - the corpus test split (data/corpus/test.jsonl: held-out phrasings, cities and frames);
 *   - the held-out real St Petersburg appeals (../shared/data, ~10% by text hash; sector only,
 *     and every appeal is a complaint).
 * Prints per-class precision/recall/F1, macro-F1 and the confusion matrix for sector, and
 * complaint accuracy/F1, urgency F1 and misinformation F1; category macro-F1 (overall and per
 * sector: among posts of that sector, how well the category within it is found) and tone
 * macro-F1. Real data: the St Petersburg appeals give sector and category (their 126 reasons
 * mapped to our taxonomy), RuSentiTweet's test split gives tone. The last line is the summary on
 * the corpus test split; keys after `misinfo_f1` were added with the category and tone outputs.
 *
 *   --no-baseline   skip the natural baseline (it trains in O(documents × vocabulary): ~1 min)
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
import { loadCorpus, loadSpb, loadTweets, type Example } from './corpus/datasets';

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

/** The training data scripts/train.ts uses. */
export function trainingData(): Example[] {
  return [...loadCorpus('train'), ...loadSpb('train'), ...loadTweets('train')];
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
  const corpusTest = loadCorpus('test');
  const spbTest = loadSpb('test');
  const tweetsTest = loadTweets('test', Infinity).filter((e) => e.tone);
  const model = modelPredictor(clf);
  const spbSectors = [...new Set(spbTest.map((e) => e.sector as string))];

  out(`# Dozor classifier evaluation — model ${clf.version}\n`);
  const mc = figures(model, corpusTest);
  out(formatFigures('model — corpus test split', mc));
  const ms = figures(model, spbTest);
  out(formatFigures('model — St Petersburg appeals, held out (real data; every appeal is a complaint)', ms, { sectors: spbSectors }));
  const mt = figures(model, tweetsTest);
  out(`## model — RuSentiTweet test split (real data, tone only; ${mt.n} tweets)\n\ntone macro-F1 ${f3(mt.toneMacroF1)} (${mt.toneReports.map((r) => `${r.label} P ${f3(r.precision)} R ${f3(r.recall)} F1 ${f3(r.f1)}`).join('; ')})\n`);

  let bc: Figures | null = null;
  if (withBaseline) {
    const t0 = performance.now();
    const baseline = trainBaseline(trainingData());
    process.stderr.write(`baseline trained in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    bc = figures(baseline, corpusTest);
    out(formatFigures('natural BayesClassifier baseline — corpus test split', bc));
    out(formatFigures('natural BayesClassifier baseline — St Petersburg appeals, held out', figures(baseline, spbTest), { sectors: spbSectors }));
    out(`## natural BayesClassifier baseline — RuSentiTweet test split\n\ntone macro-F1 ${f3(figures(baseline, tweetsTest).toneMacroF1)}\n`);
  }
  out(
    `sector_macro_f1=${f3(mc.sectorMacroF1)} baseline_sector_macro_f1=${bc ? f3(bc.sectorMacroF1) : 'n/a'} complaint_acc=${f3(mc.complaintAcc)} urgent_f1=${f3(mc.urgentF1)} misinfo_f1=${f3(mc.misinfoF1)}` +
      ` category_macro_f1=${f3(mc.categoryMacroF1)} tone_macro_f1=${f3(mc.toneMacroF1)} spb_sector_macro_f1=${f3(ms.sectorMacroF1)} spb_category_macro_f1=${f3(ms.categoryMacroF1)} tweets_tone_macro_f1=${f3(mt.toneMacroF1)}`,
  );
}
