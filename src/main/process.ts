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
  const c = await createContainer(config, { name });
  const role = await start(c);
  c.log.info({ role: role.name, ...(role.url ? { url: role.url } : {}) }, 'started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.log.info({ signal }, 'draining');
    const timer = setTimeout(() => {
      c.log.error('drain timed out, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
