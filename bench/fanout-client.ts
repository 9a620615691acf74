/**
 * One client process of `bench:fanout`: opens its share of the operators' sockets and times each
 * `incident:new` from the incident's `createdAt` (set by the pipeline) to its arrival here, on the
 * machine's one wall clock. Several of these run side by side — as operators are separate
 * browsers — so the bench's own parsing does not queue every delivery behind one event loop.
 *
 * Driven over IPC by bench/fanout.bench.ts (see ClientRequest / ClientReply).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { FeedEvent, IncidentCard } from '../src/contracts/feed';

export type ClientRequest =
  | { type: 'open'; slots: { token: string; url: string }[] }
  | { type: 'start' }
  | { type: 'count' }
  | { type: 'collect' };

export type ClientReply =
  | { type: 'opened' }
  | { type: 'failed'; message: string }
  | { type: 'count'; n: number }
  | {
      type: 'collected';
      latencies: number[];
      /** Event-loop delay of this process while the incidents came in (ms). */
      loopP50: number;
      loopP99: number;
      loopMax: number;
      /** CPU this process spent while the incidents came in (ms, user + system). */
      cpuMs: number;
      /** Event-loop stalls over 500 ms: when they ended (epoch ms) and how long they were. */
      stalls: { at: number; ms: number }[];
    };

const sockets: Socket[] = [];
let latencies: number[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
let cpuFrom = process.cpuUsage();
let stalls: { at: number; ms: number }[] = [];
let tick = Date.now();
setInterval(() => {
  const now = Date.now();
  if (now - tick > 600) stalls.push({ at: now, ms: now - tick - 100 });
  tick = now;
}, 100).unref();

const send = (m: ClientReply) => process.send?.(m);

async function open(slots: { token: string; url: string }[]): Promise<void> {
  const BATCH = 100;
  for (let i = 0; i < slots.length; i += BATCH) {
    await Promise.all(
      slots.slice(i, i + BATCH).map(
        ({ token, url }) =>
          new Promise<void>((resolve, reject) => {
            const s = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
            s.once('feed:ready', () => resolve());
            s.once('connect_error', (err) => reject(err));
            s.on('incident:new', (e: FeedEvent<IncidentCard>) => {
              latencies.push(Date.now() - Date.parse(e.data.createdAt));
            });
            sockets.push(s);
          }),
      ),
    );
  }
}

process.on('message', (m: ClientRequest) => {
  switch (m.type) {
    case 'open':
      open(m.slots).then(
        () => send({ type: 'opened' }),
        (err: Error) => send({ type: 'failed', message: err.message }),
      );
      return;
    case 'start':
      latencies = [];
      stalls = [];
      loop.reset();
      loop.enable();
      cpuFrom = process.cpuUsage();
      return;
    case 'count':
      send({ type: 'count', n: latencies.length });
      return;
    case 'collect': {
      loop.disable();
      const cpu = process.cpuUsage(cpuFrom);
      const ms = (ns: number) => Math.round(ns / 1e6);
      send({ type: 'collected', latencies, loopP50: ms(loop.percentile(50)), loopP99: ms(loop.percentile(99)), loopMax: ms(loop.max), cpuMs: Math.round((cpu.user + cpu.system) / 1000), stalls });
      for (const s of sockets) s.disconnect();
      return;
    }
  }
});
