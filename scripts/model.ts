/**
 * Model versions from the command line.
 *
 *   npm run model:list                      every stored model, newest first (* = active)
 *   npm run model:restore -- <version>      make an older (or the shipped) model active again
 *   npm run model:history                   every activation, oldest first
 *
 * `npm run train` calls `retrainCli` below: corpus + operators' corrections (read from
 * Elasticsearch), guarded activation, the registry in MODEL_DIR. Pipeline workers switch to a
 * newly active model within MODEL_RELOAD_SECONDS, without a restart.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createEsClient, isEsUnavailable } from '../src/adapters/elasticsearch';
import { DEFAULT_MODEL_PATH } from '../src/classifier/classifier';
import { correctionsToExamples, retrain } from '../src/classifier-registry/learning';
import { createModelRegistry, type ModelRegistry } from '../src/classifier-registry/model-registry';
import { loadConfig, type Config } from '../src/config/env';
import { createAuditRepository } from '../src/repositories/audit.repository';
import { createCorrectionsRepository } from '../src/repositories/corrections.repository';
import { indexNames } from '../src/repositories/indices';
import { loadCorpus, loadSpb, loadTweets, trainingSets, validationSets } from './corpus/datasets';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);
const actor = () => `cli:${userInfo().username}`;

function registryOf(config: Config): ModelRegistry {
  return createModelRegistry({ dir: resolve(config.MODEL_DIR), shippedPath: DEFAULT_MODEL_PATH });
}

function esOf(config: Config) {
  return createEsClient({ url: config.ES_URL, ...(config.ES_USERNAME ? { username: config.ES_USERNAME } : {}), ...(config.ES_PASSWORD ? { password: config.ES_PASSWORD } : {}) });
}

const f = (x: unknown) => (typeof x === 'number' ? x.toFixed(4) : '—');

async function list(registry: ModelRegistry): Promise<number> {
  const models = await registry.list();
  out(`registry: ${registry.dir}`);
  out(['', 'version', 'trained', 'sector_f1', 'complaint', 'misinfo_f1', 'corrections', 'parent', 'guard'].join('\t'));
  for (const m of models) {
    const t = (m.metrics.test ?? m.metrics.corpusTest ?? {}) as Record<string, unknown>;
    const guard = m.guard ? (m.guard.accept ? 'passed' : `refused: ${m.guard.reasons.join('; ')}`) : m.source;
    out([m.active ? '*' : '', m.version, m.trainedAt.slice(0, 19), f(t.sectorMacroF1), f(t.complaintAcc), f(t.misinfoF1), String(m.data.corrections ?? 0), m.parent ?? '—', guard].join('\t'));
  }
  return 0;
}

async function restore(config: Config, registry: ModelRegistry, version: string | undefined): Promise<number> {
  if (!version) {
    err('usage: npm run model:restore -- <version>   (see npm run model:list)');
    return 1;
  }
  const by = actor();
  const { previous, current } = await registry.activate(version, { actor: by, reason: 'restored from the command line' });
  out(`active model: ${current.version} (was ${previous ?? 'none'}); pipeline workers switch within ${config.MODEL_RELOAD_SECONDS} s`);
  // The API audits its activations; do the same here when Elasticsearch is reachable.
  const es = esOf(config);
  try {
    await createAuditRepository({ es, names: indexNames(config.ES_INDEX_PREFIX) }).append({
      at: new Date().toISOString(),
      actorUsername: by,
      action: 'model.activate',
      outcome: 'success',
      target: current.version,
      details: { previous, via: 'cli' },
    });
  } catch (e) {
    err(`not audited in Elasticsearch (${(e as Error).message}); the activation is in ${registry.dir}/history.jsonl`);
  } finally {
    await es.close();
  }
  return 0;
}

/**
 * Retrains on the corpus (+ real appeals and chatter) and the operators' corrections, stores the
 * model in the registry and activates it only if the guard accepts. Exit code: 0 activated (or
 * stored with --dry-run), 2 refused by the guard (the active model stays), 1 error.
 */
export async function retrainCli(args: string[]): Promise<number> {
  const config = loadConfig();
  const registry = registryOf(config);
  const withCorrections = !args.includes('--no-corrections');
  const t0 = performance.now();

  let corrections: ReturnType<typeof correctionsToExamples> = [];
  let correctionRecords = 0;
  if (withCorrections) {
    const es = esOf(config);
    try {
      const repo = createCorrectionsRepository({ es, names: indexNames(config.ES_INDEX_PREFIX) });
      const records = await repo.all().catch((e: unknown) => {
        // No corrections index yet: nobody has corrected anything.
        if ((e as { statusCode?: number }).statusCode === 404) return [];
        throw e;
      });
      correctionRecords = records.length;
      corrections = correctionsToExamples(records);
    } catch (e) {
      if (isEsUnavailable(e)) {
        err(`Elasticsearch at ${config.ES_URL} is unreachable, so the operators' corrections cannot be read.`);
        err('Retrain on the corpus only with: npm run train -- --no-corrections');
        return 1;
      }
      throw e;
    } finally {
      await es.close();
    }
  }

  const sets = trainingSets();
  const base = Object.values(sets).flat();
  err(`training on ${base.length} examples + ${corrections.length} corrected posts (${correctionRecords} corrections${withCorrections ? '' : ', --no-corrections'})…`);
  const result = await retrain(
    { registry },
    {
      base,
      corrections,
      testSet: loadCorpus('test'),
      evaluateOn: { spbTest: loadSpb('test'), tweetsTest: loadTweets('test', 2000) },
      validation: validationSets(),
      // The appeals' validation month is in `base` (a refit): its complaint threshold comes from a
      // model trained without it (trainModel's `selection`).
      selectionBase: Object.values(trainingSets(false)).flat(),
      dataSummary: { ...Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length])), correctionRecords },
      dryRun: args.includes('--dry-run'),
      actor: actor(),
    },
  );
  const { record, decision } = result;
  err(`trained ${record.version} in ${((performance.now() - t0) / 1000).toFixed(1)} s, stored in ${registry.dir}`);
  const c = decision.candidate;
  const b = decision.baseline;
  err(`test split: sector_macro_f1=${f(c.sectorMacroF1)} complaint_acc=${f(c.complaintAcc)} misinfo_f1=${f(c.misinfoF1)}`);
  if (b) err(`active ${result.previous}: sector_macro_f1=${f(b.sectorMacroF1)} complaint_acc=${f(b.complaintAcc)} misinfo_f1=${f(b.misinfoF1)} (tolerances ${JSON.stringify(decision.tolerance)})`);
  if (!decision.accept) {
    err(`NOT ACTIVATED — the guard refused ${record.version}; ${result.previous} stays active:`);
    for (const r of decision.reasons) err(`  - ${r}`);
    return 2;
  }
  if (result.activated) out(`active model: ${record.version} (was ${result.previous ?? 'none'}); pipeline workers switch within ${config.MODEL_RELOAD_SECONDS} s`);
  else if (record.version === result.previous) out(`${record.version} is already active (same training data)`);
  else out(`stored ${record.version} (guard passed; --dry-run: not activated; npm run model:restore -- ${record.version} to activate)`);
  err(`the shipped model ${DEFAULT_MODEL_PATH} is unchanged (npm run train -- --ship rebuilds it from the corpus alone)`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, ...rest] = process.argv.slice(2);
  const config = loadConfig();
  const registry = registryOf(config);
  let code: number;
  try {
    switch (cmd ?? '') {
      case 'list':
        code = await list(registry);
        break;
      case 'restore':
        code = await restore(config, registry, rest[0]);
        break;
      case 'history':
        for (const h of await registry.history()) out(`${h.activatedAt}\t${h.previous ?? '—'} → ${h.version}\t${h.activatedBy}\t${h.reason}`);
        code = 0;
        break;
      default:
        err('usage: tsx scripts/model.ts list | restore <version> | history');
        code = 1;
    }
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    code = 1;
  }
  process.exit(code);
}
