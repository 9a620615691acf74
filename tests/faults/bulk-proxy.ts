/**
 * A fault-injecting proxy in front of the real Elasticsearch: for the first `faultyRequests` bulk
 * requests it withholds every `every`-th index/create item from Elasticsearch and answers it with
 * a 429 (es_rejected_execution_exception), as a node under pressure does for some items of a bulk.
 * Everything else is forwarded untouched.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkFaultProxy {
  url: string;
  /** Items answered 429 so far. */
  rejected(): number;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export async function startBulkFaultProxy(opts: { target: string; faultyRequests: number; every: number; indexPrefix: string }): Promise<BulkFaultProxy> {
  const target = new URL(opts.target);
  let faulted = 0;
  let rejected = 0;

  const forward = (req: IncomingMessage, payload: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'accept-encoding', 'connection'].includes(k)) headers[k] = v;
      headers['content-length'] = String(payload.length);
      const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && !['content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
        void body(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: out, body: b }), reject);
      });
      up.on('error', reject);
      up.end(payload);
    });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const isBulk = req.method === 'POST' && /\/_bulk(\?|$)/.test(req.url ?? '');
      if (!isBulk || faulted >= opts.faultyRequests) {
        const r = await forward(req, payload);
        res.writeHead(r.status, r.headers).end(r.body);
        return;
      }
      // Split the NDJSON into operations (an action line and, for index/create, its document).
      const lines = payload.toString('utf8').split('\n').filter((l) => l.length > 0);
      const ops: { action: Record<string, { _index?: string; _id?: string }>; lines: string[] }[] = [];
      for (let i = 0; i < lines.length; i++) {
        const action = JSON.parse(lines[i] as string) as Record<string, { _index?: string; _id?: string }>;
        const verb = Object.keys(action)[0] ?? '';
        const withDoc = verb === 'index' || verb === 'create' || verb === 'update';
        ops.push({ action, lines: withDoc ? [lines[i] as string, lines[++i] as string] : [lines[i] as string] });
      }
      const ours = ops.every((o) => Object.values(o.action)[0]?._index?.startsWith(opts.indexPrefix));
      if (!ours) {
        const r = await forward(req, payload);
        res.writeHead(r.status, r.headers).end(r.body);
        return;
      }
      faulted++;
      const withheld = new Set<number>();
      ops.forEach((o, k) => {
        const verb = Object.keys(o.action)[0];
        if ((verb === 'index' || verb === 'create') && k % opts.every === 0) withheld.add(k);
      });
      const sent = ops.filter((_, k) => !withheld.has(k));
      let items: unknown[] = [];
      let took = 0;
      if (sent.length > 0) {
        const r = await forward(req, Buffer.from(`${sent.flatMap((o) => o.lines).join('\n')}\n`));
        if (r.status !== 200) {
          res.writeHead(r.status, r.headers).end(r.body);
          return;
        }
        const parsed = JSON.parse(r.body.toString('utf8')) as { items: unknown[]; took: number };
        items = parsed.items;
        took = parsed.took;
      }
      const merged: unknown[] = [];
      let j = 0;
      ops.forEach((o, k) => {
        if (!withheld.has(k)) {
          merged.push(items[j++]);
          return;
        }
        rejected++;
        const [verb, meta] = Object.entries(o.action)[0] as [string, { _index?: string; _id?: string }];
        merged.push({ [verb]: { _index: meta._index, _id: meta._id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected by the fault proxy' } } });
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }).end(JSON.stringify({ took, errors: true, items: merged }));
    })().catch((err: Error) => {
      res.writeHead(502).end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rejected: () => rejected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
