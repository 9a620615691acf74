/**
 * `npm run train` — retrains on the project corpus, the mapped St Petersburg appeals, RuSentiTweet
 * chatter and the operators' corrections (read from Elasticsearch; `--no-corrections` without
 * them), stores the model in the registry (MODEL_DIR) and activates it only when the guard
 * accepts it (src/classifier-registry/guard.ts); exit code 2 when refused. `--dry-run` stores
 * without activating. The flow is `retrainCli` in scripts/model.ts.
 *
 * `npm run train -- --ship` — trains on the corpus alone (no corrections: they carry post texts,
 * which never go into git) and writes the shipped default, models/dozor-classifier.bin.gz.
 * Deterministic (seeded shuffle).
 *
 * The training core (heads, features, options, evaluation) lives in src/classifier/train.ts;
 * this script is the command-line flow around it: loading the data, naming the version, writing
 * the model. `npm run eval` gives the full figures and the natural baseline.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DEFAULT_MODEL_PATH } from '../src/classifier/classifier';
import { FEATURE_SCHEME } from '../src/classifier/features';
import { DEFAULT_OPTIONS, trainModel } from '../src/classifier/train';
import { loadCorpus, loadSpb, loadWritten, mixedComplaintSet, trainingSets, validationSets } from './corpus/datasets';

// Re-exported for the scripts that import the training core from here (scripts/corpus/tune.ts).
export { DEFAULT_OPTIONS, evaluate, featuresOf, train, trainModel, type Example, type TrainOptions } from '../src/classifier/train';

if (import.meta.url === `file://${process.argv[1]}` && !process.argv.includes('--ship')) {
  const { retrainCli } = await import('./model');
  process.exit(await retrainCli(process.argv.slice(2)));
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes('--ship')) {
  const t0 = performance.now();
  const sets = trainingSets();
  const all = Object.values(sets).flat();
  // Texts, every label, the feature scheme and the training options: a model trained on other
  // labels or with other options (optimiser, C, weights) gets another version.
  const corpusHash = createHash('sha256')
    .update(`${FEATURE_SCHEME}\n${JSON.stringify(DEFAULT_OPTIONS)}\n`)
    .update(all.map((e) => JSON.stringify([e.text, e.sector, e.category ?? null, e.complaint, e.misinformation, e.urgent ?? null, e.tone ?? null, e.weight, e.svmWeight ?? null])).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const version = `dozor-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${corpusHash.slice(0, 8)}`;
  const { bytes, meta } = trainModel(all, {
    version,
    corpusHash,
    notes: { trainCounts: Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length])) },
    // Thresholds on validation sets that share no templates or topics with the test sets. The
    // model is refitted on the Feb 2021 appeals too (trainingSets), so the complaint threshold,
    // whose set holds them, is chosen with a model trained on the Oct – Jan data (`selection`).
    validation: validationSets(),
    selection: Object.values(trainingSets(false)).flat(),
    evaluateOn: { corpusTest: loadCorpus('test'), spbTest: loadSpb('test'), mixedComplaintTest: mixedComplaintSet('test'), urgencyTest: loadWritten('urgency-test'), rumoursTest: loadWritten('rumours-test') },
  });
  writeFileSync(DEFAULT_MODEL_PATH, bytes);
  process.stderr.write(`trained ${version} on ${all.length} examples in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stderr.write(`${JSON.stringify(meta.notes, null, 1)}\n`);
}
