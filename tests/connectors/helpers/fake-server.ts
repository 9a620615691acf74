import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export interface FakeServer {
  port: number;
  origin: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** How many requests reached `path`. */
  hits(path: string): number;
  route(path: string, handler: FakeHandler): void;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 with a random port; unknown paths answer 404. */
export async function startFakeServer(): Promise<FakeServer> {
  const routes = new Map<string, FakeHandler>();
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = routes.get(path.split('?')[0] ?? path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res, requests.filter((r) => r.path === path).length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    hits: (path) => requests.filter((r) => r.path === path).length,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
