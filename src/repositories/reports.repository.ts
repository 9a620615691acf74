import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClient } from '../adapters/redis';
import type { Scope } from '../domain/access';

export interface ReportRecord {
  id: string;
  kind: 'daily' | 'weekly' | 'monthly';
  title: string;
  from: string;
  to: string;
  scope: Scope;
  createdAt: string;
  createdBy: string;
  /** Headline figures, for the list and for the e-mail. */
  totals: { posts: number; incidents: number; urgent: number; misinformation: number };
}

const KEEP = 500;

/** Built reports: files (PDF and XLSX) under `dir`, their records in a Redis list, newest first. */
export function createReportsRepository(deps: { redis: RedisClient; prefix: string; dir: string }) {
  const list = `${deps.prefix}:reports`;
  const dir = join(deps.dir, deps.prefix.replace(/[^a-zA-Z0-9_-]/g, '_'));
  const file = (id: string, format: 'pdf' | 'xlsx') => join(dir, `${id.replace(/[^a-zA-Z0-9-]/g, '')}.${format}`);
  return {
    async save(rec: ReportRecord, files: { pdf: Buffer; xlsx: Buffer }): Promise<void> {
      await mkdir(dir, { recursive: true });
      // Files first, the record last: a listed report always has its files.
      await writeFile(file(rec.id, 'pdf'), files.pdf);
      await writeFile(file(rec.id, 'xlsx'), files.xlsx);
      const dropped = await deps.redis.lrange(list, KEEP - 1, -1);
      await deps.redis.multi().lpush(list, JSON.stringify(rec)).ltrim(list, 0, KEEP - 1).exec();
      for (const raw of dropped) {
        const old = JSON.parse(raw) as ReportRecord;
        await rm(file(old.id, 'pdf'), { force: true });
        await rm(file(old.id, 'xlsx'), { force: true });
      }
    },
    async list(limit = KEEP): Promise<ReportRecord[]> {
      return (await deps.redis.lrange(list, 0, limit - 1)).map((r) => JSON.parse(r) as ReportRecord);
    },
    async get(id: string): Promise<ReportRecord | null> {
      return (await this.list()).find((r) => r.id === id) ?? null;
    },
    async read(id: string, format: 'pdf' | 'xlsx'): Promise<Buffer> {
      return readFile(file(id, format));
    },
    /** Once-per-period marker for scheduled reports (several pipeline processes share the schedule). */
    async claimSchedule(key: string): Promise<boolean> {
      return (await deps.redis.set(`${deps.prefix}:report-schedule:${key}`, '1', 'EX', 40 * 24 * 3600, 'NX')) === 'OK';
    },
  };
}
export type ReportsRepository = ReturnType<typeof createReportsRepository>;
