import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserializeModel, type ModelMeta } from '../classifier/linear';
import { FEATURE_SCHEME } from '../classifier/features';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { GuardDecision } from './guard';

/**
 * The model registry: every trained model with its version, metrics, training-data summary, time
 * and parent, plus the pointer to the active one. A directory (MODEL_DIR):
 *
 *   <version>.bin.gz   the model file (as written by the trainer)
 *   <version>.json     its record (ModelRecord without `source`)
 *   active.json        the active pointer { version, activatedAt, activatedBy, reason }
 *   history.jsonl      every activation, appended
 *
 * The shipped model (models/dozor-classifier.bin.gz) is always listed as well and is the fallback
 * when there is no pointer, so a fresh install and a wiped registry both classify.
 */
export interface ModelRecord {
  version: string;
  /** sha256 of the model file bytes. */
  contentHash: string;
  trainedAt: string;
  /** The version that was active when this one was trained. */
  parent: string | null;
  /** Figures on the test split (and any other sets the trainer evaluated). */
  metrics: Record<string, unknown>;
  /** Training data summary: example counts per source, corrections included. */
  data: Record<string, number>;
  /** What the activation guard said when this model was trained. */
  guard?: Pick<GuardDecision, 'accept' | 'reasons' | 'deltas'>;
  sizeBytes: number;
  source: 'registry' | 'shipped';
}

export interface ActivePointer {
  version: string;
  activatedAt: string;
  activatedBy: string;
  reason: string;
}

export interface ActiveModel {
  version: string;
  path: string;
  source: ModelRecord['source'];
  pointer: ActivePointer | null;
}

const VERSION = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const ACTIVE = 'active.json';

export function assertVersion(version: string): void {
  if (!VERSION.test(version)) throw new ValidationError(`version: not a model version (${VERSION.source})`, { field: 'version' });
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createModelRegistry(deps: { dir: string; shippedPath: string }) {
  const { dir, shippedPath } = deps;
  const modelPath = (version: string) => join(dir, `${version}.bin.gz`);
  const recordPath = (version: string) => join(dir, `${version}.json`);
  let shipped: { mtimeMs: number; record: ModelRecord } | null = null;

  async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async function readJson<T>(path: string): Promise<T | null> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** The shipped model's record, read from its header (cached by mtime). */
  async function shippedRecord(): Promise<ModelRecord | null> {
    let st;
    try {
      st = await stat(shippedPath);
    } catch {
      return null;
    }
    if (shipped?.mtimeMs === st.mtimeMs) return shipped.record;
    const bytes = await readFile(shippedPath);
    const { meta } = deserializeModel(bytes);
    const notes = meta.notes;
    const record: ModelRecord = {
      version: meta.version,
      contentHash: contentHash(bytes),
      trainedAt: meta.trainedAt,
      parent: null,
      metrics: (notes.figures as Record<string, unknown> | undefined) ?? {},
      data: (notes.trainCounts as Record<string, number> | undefined) ?? {},
      sizeBytes: bytes.length,
      source: 'shipped',
    };
    shipped = { mtimeMs: st.mtimeMs, record };
    return record;
  }

  async function get(version: string): Promise<ModelRecord | null> {
    assertVersion(version);
    const rec = await readJson<Omit<ModelRecord, 'source'>>(recordPath(version));
    if (rec) return { ...rec, source: 'registry' };
    const s = await shippedRecord();
    return s?.version === version ? s : null;
  }

  async function pointer(): Promise<ActivePointer | null> {
    return readJson<ActivePointer>(join(dir, ACTIVE));
  }

  /** The model workers should run: the pointer's, or the shipped one when there is none. */
  async function active(): Promise<ActiveModel> {
    const p = await pointer();
    if (p) {
      if ((await readJson<unknown>(recordPath(p.version))) !== null) return { version: p.version, path: modelPath(p.version), source: 'registry', pointer: p };
      const s = await shippedRecord();
      if (s?.version === p.version) return { version: p.version, path: shippedPath, source: 'shipped', pointer: p };
    }
    const s = await shippedRecord();
    if (!s) throw new Error(`no active model: no pointer in ${dir} and no shipped model at ${shippedPath}`);
    return { version: s.version, path: shippedPath, source: 'shipped', pointer: null };
  }

  /**
   * Copies the shipped model into the registry (same version, same bytes) so it stays restorable
   * after the shipped file is rebuilt. Returns its registry record.
   */
  async function adoptShipped(): Promise<ModelRecord | null> {
    const s = await shippedRecord();
    if (!s) return null;
    const existing = await readJson<Omit<ModelRecord, 'source'>>(recordPath(s.version));
    if (existing) return { ...existing, source: 'registry' };
    const bytes = await readFile(shippedPath);
    if (contentHash(bytes) !== s.contentHash) return null; // rebuilt meanwhile: adopt next time
    await mkdir(dir, { recursive: true });
    const rec: Omit<ModelRecord, 'source'> = { version: s.version, contentHash: s.contentHash, trainedAt: s.trainedAt, parent: s.parent, metrics: s.metrics, data: s.data, sizeBytes: s.sizeBytes };
    await writeAtomic(modelPath(s.version), bytes);
    await writeAtomic(recordPath(s.version), `${JSON.stringify({ ...rec, adoptedFrom: shippedPath }, null, 1)}\n`);
    return { ...rec, source: 'registry' };
  }

  return {
    dir,

    adoptShipped,

    /** Every model, newest first; the shipped one included. */
    async list(): Promise<(ModelRecord & { active: boolean })[]> {
      let files: string[] = [];
      try {
        files = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const records: ModelRecord[] = [];
      for (const f of files) {
        if (!f.endsWith('.json') || f === ACTIVE) continue;
        const rec = await readJson<Omit<ModelRecord, 'source'>>(join(dir, f));
        if (rec && VERSION.test(rec.version)) records.push({ ...rec, source: 'registry' });
      }
      const s = await shippedRecord();
      if (s && !records.some((r) => r.version === s.version)) records.push(s);
      const current = (await active()).version;
      return records.sort((a, b) => b.trainedAt.localeCompare(a.trainedAt)).map((r) => ({ ...r, active: r.version === current }));
    },

    get,

    /** Stores a model file and its record. Same bytes, same version: stored once. */
    async save(bytes: Buffer, rec: Omit<ModelRecord, 'contentHash' | 'sizeBytes' | 'source'>): Promise<ModelRecord> {
      assertVersion(rec.version);
      await mkdir(dir, { recursive: true });
      const record: Omit<ModelRecord, 'source'> = { ...rec, contentHash: contentHash(bytes), sizeBytes: bytes.length };
      await writeAtomic(modelPath(rec.version), bytes);
      await writeAtomic(recordPath(rec.version), `${JSON.stringify(record, null, 1)}\n`);
      return { ...record, source: 'registry' };
    },

    active,

    /** The raw pointer file's contents (cheap: workers poll it). */
    pointer,

    /**
     * Makes `version` the active model. Refuses a version that is not stored (404) or whose file
     * this code cannot load (another feature scheme: 409). Returns the previous active version.
     */
    async activate(version: string, by: { actor: string; reason: string }): Promise<{ previous: string | null; current: ModelRecord }> {
      let rec = await get(version);
      if (!rec) throw new NotFoundError(`Model ${version}`);
      // The pointer never names the shipped file itself: a rebuilt shipped model must not change the active one.
      if (rec.source === 'shipped') rec = (await adoptShipped()) ?? rec;
      const path = rec.source === 'shipped' ? shippedPath : modelPath(version);
      let meta: ModelMeta;
      try {
        meta = deserializeModel(await readFile(path)).meta;
      } catch (err) {
        throw new ConflictError(`model ${version} cannot be loaded: ${(err as Error).message}`);
      }
      if (meta.featureScheme !== FEATURE_SCHEME) throw new ConflictError(`model ${version} uses features "${meta.featureScheme}", this code extracts "${FEATURE_SCHEME}"`);
      const previous = await active().then((a) => a.version, () => null);
      const p: ActivePointer = { version, activatedAt: new Date().toISOString(), activatedBy: by.actor, reason: by.reason };
      await mkdir(dir, { recursive: true });
      await writeAtomic(join(dir, ACTIVE), `${JSON.stringify(p)}\n`);
      await writeFile(join(dir, 'history.jsonl'), `${JSON.stringify({ ...p, previous })}\n`, { flag: 'a' });
      return { previous, current: rec };
    },

    /** Activations, oldest first. */
    async history(): Promise<(ActivePointer & { previous: string | null })[]> {
      try {
        const raw = await readFile(join(dir, 'history.jsonl'), 'utf8');
        return raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivePointer & { previous: string | null });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },

    modelPath,
  };
}
export type ModelRegistry = ReturnType<typeof createModelRegistry>;
