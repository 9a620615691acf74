/**
 * Prometheus text exposition (format 0.0.4) of connector health, queue depth and a few process
 * figures. Written by hand: the format is a few lines of rules, and the values are read from
 * Redis at scrape time, so a client library's registry would add state without saving code.
 */
import { networkOfSource, type Source } from '../domain/source';
import type { SourceHealth } from '../repositories/source-health.repository';
import type { SourceAlert } from './source-alerts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label value escaping per the exposition format: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** `k1="v1",k2="v2"` with values escaped. */
export function renderLabels(labels: Record<string, string>): string {
  let out = '';
  for (const k in labels) out += `${out ? ',' : ''}${k}="${escapeLabelValue(labels[k] ?? '')}"`;
  return out;
}

const NEEDS_ESCAPE = /[\\"\n]/;

class Family {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    readonly type: 'gauge' | 'counter',
    readonly help: string,
  ) {}
  /** `labels` is a rendered label list (see renderLabels), so a source's labels are escaped once. */
  add(labels: string, value: number): void {
    this.lines.push(`${this.name}${labels ? `{${labels}}` : ''} ${formatValue(value)}`);
  }
  render(): string {
    // HELP text escapes backslash and line feed only.
    return [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`, ...this.lines].join('\n');
  }
}

export interface MetricsInput {
  sources: { source: Source; health: SourceHealth; alert: SourceAlert | null }[];
  /** Job counts per queue and state (BullMQ getJobCounts). */
  queues: Record<string, Record<string, number>>;
  /** Include process_* and nodejs_* figures of this process. */
  process?: boolean;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function renderMetrics(input: MetricsInput): string {
  const f = {
    up: new Family('dozor_source_up', 'gauge', 'Registered source (1), with its status, municipality and whether it is an official page.'),
    lastSuccess: new Family('dozor_source_last_success_timestamp_seconds', 'gauge', 'Unix time of the last successful fetch.'),
    lastItem: new Family('dozor_source_last_item_timestamp_seconds', 'gauge', 'Unix time of the last non-empty page.'),
    lag: new Family('dozor_source_lag_seconds', 'gauge', 'Published to ingested delay of the newest post of the last non-empty page.'),
    items: new Family('dozor_source_items_total', 'counter', 'Items fetched and queued.'),
    itemsHour: new Family('dozor_source_items_last_hour', 'gauge', 'Items fetched in the current hour.'),
    errors: new Family('dozor_source_errors_total', 'counter', 'Failed fetches by error kind.'),
    flood: new Family('dozor_source_flood_waits_total', 'counter', 'Rate-limit and flood answers from the network.'),
    waitUntil: new Family('dozor_source_wait_until_timestamp_seconds', 'gauge', 'Until when the network asked us to wait (only while in the future).'),
    usualGap: new Family('dozor_source_usual_gap_seconds', 'gauge', 'Learnt usual gap between non-empty pages.'),
    silent: new Family('dozor_source_silent', 'gauge', '1 when the source is silent far longer than its usual rhythm.'),
    stopped: new Family('dozor_source_stopped', 'gauge', '1 when the source was stopped on a fatal error and needs an administrator.'),
    quotaUsed: new Family('dozor_source_quota_used', 'gauge', 'Calls of a method the source\'s token has used today (VK daily quotas, Moscow day).'),
    quotaLimit: new Family('dozor_source_quota_limit', 'gauge', 'Daily limit of a method for the source\'s token.'),
    quotaPaused: new Family('dozor_source_quota_paused', 'gauge', '1 while the source waits for its token\'s daily quota to reset.'),
    queue: new Family('dozor_queue_jobs', 'gauge', 'Jobs in a queue by state.'),
  };
  for (const { source, health, alert } of input.sources) {
    const base = renderLabels({ source_id: source.id, kind: source.kind, network: networkOfSource(source) });
    f.up.add(`${base},${renderLabels({ status: source.status, municipality: source.municipality, official: source.official ? 'true' : 'false' })}`, 1);
    if (health.lastSuccessAt) f.lastSuccess.add(base, seconds(health.lastSuccessAt));
    if (health.lastItemAt) f.lastItem.add(base, seconds(health.lastItemAt));
    if (health.lagMs !== null) f.lag.add(base, health.lagMs / 1000);
    f.items.add(base, health.itemsTotal);
    f.itemsHour.add(base, health.itemsLastHour);
    for (const [kind, n] of Object.entries(health.errorsByKind).sort(([a], [b]) => a.localeCompare(b))) f.errors.add(`${base},${renderLabels({ error_kind: kind })}`, n);
    f.flood.add(base, health.floodWaits);
    if (health.waitUntil) f.waitUntil.add(base, seconds(health.waitUntil));
    if (health.usualGapMs !== null) f.usualGap.add(base, health.usualGapMs / 1000);
    f.silent.add(base, alert?.kind === 'silent' ? 1 : 0);
    f.stopped.add(base, health.stopped ? 1 : 0);
    if (health.quota) {
      for (const m of health.quota.methods) {
        f.quotaUsed.add(`${base},${renderLabels({ method: m.method })}`, m.used);
        f.quotaLimit.add(`${base},${renderLabels({ method: m.method })}`, m.limit);
      }
      f.quotaPaused.add(base, health.quota.pausedUntil ? 1 : 0);
    }
  }
  for (const [queue, counts] of Object.entries(input.queues)) {
    for (const [state, n] of Object.entries(counts)) f.queue.add(renderLabels({ queue, state }), n);
  }
  const out = Object.values(f).map((fam) => fam.render());
  if (input.process ?? true) out.push(...processMetrics());
  return `${out.join('\n')}\n`;
}

function processMetrics(): string[] {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const rss = new Family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
  rss.add('', mem.rss);
  const heap = new Family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, bytes.');
  heap.add('', mem.heapUsed);
  const cpuTotal = new Family('process_cpu_seconds_total', 'counter', 'User and system CPU time spent, seconds.');
  cpuTotal.add('', (cpu.user + cpu.system) / 1e6);
  const start = new Family('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, seconds.');
  start.add('', Math.round((Date.now() - process.uptime() * 1000) / 1000));
  return [rss.render(), heap.render(), cpuTotal.render(), start.render()];
}
