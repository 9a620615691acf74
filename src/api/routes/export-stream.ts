import { PassThrough, type Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { EXPORT_CONTENT_TYPES, type ExportFormat } from '../../lib/tabular-export';

/**
 * Runs an export that first checks its input (count, limits) and only then opens its output. A
 * refusal before `open` becomes an ordinary error response (4xx); once open, the rows stream to
 * the client and a failure midway aborts the download instead of sending a half file as complete.
 */
export async function streamExport(reply: FastifyReply, format: ExportFormat, filename: string, run: (open: () => Writable) => Promise<unknown>): Promise<FastifyReply> {
  const out = new PassThrough();
  let markOpen: () => void = () => undefined;
  const opened = new Promise<'open'>((resolve) => (markOpen = () => resolve('open')));
  const done = run(() => {
    markOpen();
    return out;
  });
  const first = await Promise.race([opened, done.then(() => 'done' as const)]);
  if (first === 'done') markOpen();
  done.catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return reply
    .header('content-type', EXPORT_CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${filename}.${format}"`)
    .header('cache-control', 'no-store')
    .send(out);
}
