import type { TextClassifier } from '../classifier/classifier';
import type { Logger } from '../lib/logger';
import type { ModelRegistry } from './model-registry';

export interface ActiveClassifier {
  /** Delegates to the current model: pass it to the pipeline once, it follows every switch. */
  classifier: TextClassifier;
  /** Re-reads the pointer now and loads the model if it changed; resolves to the version in use. */
  refresh(): Promise<string>;
  stop(): void;
}

/**
 * Follows the registry's active pointer: polls it every `pollMs` and swaps the model in without a
 * restart. A post is classified by one model from start to end (the swap is one assignment), and
 * `modelVersion` on each post names that model. A pointer whose model fails to load is logged and
 * the current model kept: a bad activation never stops the pipeline.
 */
export async function createActiveClassifier(deps: {
  registry: Pick<ModelRegistry, 'active'>;
  load: (path: string) => Promise<TextClassifier>;
  pollMs: number;
  log: Logger;
  /** Loaded instead when the active model cannot be (e.g. trained with an older feature scheme). */
  fallbackPath?: string;
}): Promise<ActiveClassifier> {
  const log = deps.log.child({ module: 'active-model' });
  const first = await deps.registry.active();
  // The pointer's key is remembered even when its model fails to load, so a broken model is not
  // retried on every poll; a new activation is.
  const currentKey0 = `${first.version}@${first.path}`;
  let current: TextClassifier;
  try {
    current = await deps.load(first.path);
  } catch (err) {
    if (!deps.fallbackPath || deps.fallbackPath === first.path) throw err;
    log.error({ err: (err as Error).message, version: first.version }, 'active model could not be loaded; starting with the shipped one');
    current = await deps.load(deps.fallbackPath);
  }
  let currentKey = currentKey0;
  let loading: Promise<string> | null = null;
  log.info({ version: current.version, source: first.source }, 'classifier model loaded');

  async function refresh(): Promise<string> {
    loading ??= (async () => {
      try {
        const want = await deps.registry.active();
        const key = `${want.version}@${want.path}`;
        if (key !== currentKey) {
          const next = await deps.load(want.path);
          log.info({ from: current.version, to: next.version }, 'classifier model switched');
          current = next;
          currentKey = key;
        }
      } catch (err) {
        log.error({ err: (err as Error).message, version: current.version }, 'active model could not be loaded; keeping the current one');
      } finally {
        loading = null;
      }
      return current.version;
    })();
    return loading;
  }

  const timer = deps.pollMs > 0 ? setInterval(() => void refresh(), deps.pollMs) : null;
  timer?.unref();

  return {
    // A forwarding proxy rather than a hand-written wrapper: every method the classifier has
    // (classify, explain, ...) follows the switch, including ones added later.
    classifier: new Proxy({} as TextClassifier, {
      get(_target, prop) {
        const v: unknown = Reflect.get(current, prop);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v;
      },
    }),
    refresh,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
