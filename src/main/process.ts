import { ConfigError, loadConfig, type Config } from '../config/env';
import { createContainer, type Container } from '../container';
import type { RunningRole } from './roles';

/**
 * Runs one process role: parse config (exit 78 naming the bad variables), build the container,
 * start the role, and on SIGTERM/SIGINT drain it within SHUTDOWN_TIMEOUT_MS.
 */
export async function runProcess(name: string, start: (c: Container) => Promise<RunningRole & { url?: string }>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  // Signals are taken from the start: one that arrives while the role is still starting (jobs
  // may already be in flight) is held and drains the role as soon as it is up, never the default
  // kill. SHUTDOWN_TIMEOUT_MS counts from the signal, a slow start included.
  let stopping: string | null = null;
  let drain: ((signal: string) => void) | null = null;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = signal;
    const timer = setTimeout(() => {
      process.stderr.write(`${name}: drain timed out, exiting\n`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    drain?.(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  const c = await createContainer(config, { name });
  const role = await start(c);
  c.log.info({ role: role.name, ...(role.url ? { url: role.url } : {}) }, 'started');

  drain = (signal: string) => {
    c.log.info({ signal }, 'draining');
    role
      .stop()
      .then(() => c.close())
      .then(() => {
        c.log.info('stopped');
        process.exit(0);
      })
      .catch((err: Error) => {
        c.log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  if (stopping) drain(stopping);
}
