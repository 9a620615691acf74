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
 * complaint accuracy/F1, urgency F1 and misinformation F1. Urgency has no model output
 * (`Classification` has no field for it): the figure is for the documented rule set in
 * src/classifier/urgency.ts. The last line is the summary on the corpus test split.
 *
 *   --no-baseline   skip the natural baseline (it trains in O(documents × vocabulary): ~1 min)
 */
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier';
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru';
import { loadClassifier, type TextClassifier } from '../src/classifier/classifier';
import { accuracy, binaryF1, confusion, macroF1, perClass, type ClassReport } from '../src/classifier/metrics';
import { isUrgent } from '../src/classifier/urgency';
import { SECTORS } from '../src/domain/sector';
import { analyze } from '../src/text/analyze';
import { loadCorpus, loadSpb, loadTweets, type Example } from './corpus/datasets';

/** What a system says about one text, reduced to what the figures need. */
export interface Prediction {
  sector: string;
  complaint: boolean;
  urgent: boolean;
  misinformation: boolean;
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
  };
}

/** The shipped model (urgency from the rule set; misinformation flagged at risk ≥ 0.5). */
export function modelPredictor(clf: TextClassifier): Predictor {
  return (text) => {
    const a = analyze(text);
    const c = clf.classify(a);
    return { sector: c.sector.label, complaint: c.complaint.value, urgent: isUrgent(a.normalized), misinformation: c.misinformation.score >= 0.5 };
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
  lines.push('', `complaint accuracy ${f3(f.complaintAcc)}, F1 ${f3(f.complaintF1)}; urgent F1 ${f3(f.urgentF1)}; misinformation F1 ${f3(f.misinfoF1)}`, '');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const withBaseline = !process.argv.includes('--no-baseline');
  const out = (s: string) => process.stdout.write(s + '\n');
  const clf = await loadClassifier();
  const corpusTest = loadCorpus('test');
  const spbTest = loadSpb('test');
  const model = modelPredictor(clf);
  const spbSectors = [...new Set(spbTest.map((e) => e.sector as string))];

  out(`# Dozor classifier evaluation — model ${clf.version}\n`);
  const mc = figures(model, corpusTest);
  out(formatFigures('model — corpus test split', mc));
  const ms = figures(model, spbTest);
  out(formatFigures('model — St Petersburg appeals, held out (real data; every appeal is a complaint)', ms, { sectors: spbSectors }));

  let bc: Figures | null = null;
  if (withBaseline) {
    const t0 = performance.now();
    const baseline = trainBaseline(trainingData());
    process.stderr.write(`baseline trained in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    bc = figures(baseline, corpusTest);
    out(formatFigures('natural BayesClassifier baseline — corpus test split', bc));
    out(formatFigures('natural BayesClassifier baseline — St Petersburg appeals, held out', figures(baseline, spbTest), { sectors: spbSectors }));
  }
  out(
    `sector_macro_f1=${f3(mc.sectorMacroF1)} baseline_sector_macro_f1=${bc ? f3(bc.sectorMacroF1) : 'n/a'} complaint_acc=${f3(mc.complaintAcc)} urgent_f1=${f3(mc.urgentF1)} misinfo_f1=${f3(mc.misinfoF1)}`,
  );
}
