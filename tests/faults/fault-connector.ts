/**
 * A connector worker process for the fault suite: the real runner, ingest and cursor store
 * (`runConnector`), driven by a scripted connector whose pages are deterministic, so the ledger
 * knows every post it handed over from the saved cursor alone.
 *
 *   FAULT_RUN            run id (post ids are `vk:<run>-<n>`)
 *   FAULT_SOURCE_ID      cursor key (default vk:faults)
 *   FAULT_PAGES          pages in total; FAULT_PAGE_SIZE posts each
 *   FAULT_PAGE_WAIT_MS   pause between pages (the post rate)
 *   FAULT_KILL_AT_PAGE   kill -9 this process after page N is queued, before its cursor is saved
 */
import { runConnector } from '../../workers/connector.runner';
import type { Connector } from '../../src/domain/connector';
import { runProcess } from '../../src/main/process';
import { faultPost } from './harness';

const run = process.env.FAULT_RUN ?? 'run';
const sourceId = process.env.FAULT_SOURCE_ID ?? 'vk:faults';
const pages = Number(process.env.FAULT_PAGES ?? 10);
const pageSize = Number(process.env.FAULT_PAGE_SIZE ?? 50);
const waitMs = Number(process.env.FAULT_PAGE_WAIT_MS ?? 100);
const killAt = process.env.FAULT_KILL_AT_PAGE === undefined ? -1 : Number(process.env.FAULT_KILL_AT_PAGE);

const connector: Connector = {
  sourceId,
  fetchPage(cursor) {
    const page = cursor === null ? 0 : Number(cursor);
    if (page >= pages) return Promise.resolve({ posts: [], nextCursor: null, waitMs: 200 });
    const posts = Array.from({ length: pageSize }, (_, i) => faultPost(run, page * pageSize + i, sourceId));
    return Promise.resolve({ posts, nextCursor: String(page + 1), waitMs });
  },
};

await runProcess('fault-connector', (c) => {
  const abort = new AbortController();
  const cursors = {
    get: (id: string) => c.repos.cursors.get(id),
    async set(id: string, cursor: string) {
      // The fault: the page is queued, the process dies before the cursor is saved.
      if (Number(cursor) - 1 === killAt) process.kill(process.pid, 'SIGKILL');
      await c.repos.cursors.set(id, cursor);
    },
  };
  const running = runConnector(connector, { ingest: c.services.ingest, cursors, log: c.log, backoff: { baseMs: 200, maxMs: 2000 } }, abort.signal);
  return Promise.resolve({
    name: 'fault-connector',
    async stop() {
      abort.abort();
      await running;
    },
  });
});
