import { readFileSync } from 'node:fs';
import { parseTaxonomy, type Taxonomy } from '../domain/taxonomy';

export const DEFAULT_TAXONOMY_PATH = new URL('../../config/taxonomy.json', import.meta.url);

const cache = new Map<string, Taxonomy>();

/** Reads and validates a taxonomy file (config/taxonomy.json by default); throws naming the bad field. */
export function loadTaxonomy(path: URL | string = DEFAULT_TAXONOMY_PATH): Taxonomy {
  const key = String(path);
  let t = cache.get(key);
  if (!t) {
    try {
      t = parseTaxonomy(JSON.parse(readFileSync(path, 'utf8')));
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`);
    }
    cache.set(key, t);
  }
  return t;
}
