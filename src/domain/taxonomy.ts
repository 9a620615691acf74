import { SECTORS, type Sector } from './sector';

/**
 * Problem categories within each sector (категории региональных проблем, ../shared/DOMAIN.md):
 * at least three per sector plus «прочие по направлению» (`<sector>.other`). The set is
 * configurable per region (config/taxonomy.json); the classifier's category heads are trained on
 * the default codes, and a prediction whose code the configured taxonomy does not list falls into
 * that sector's «прочие». Pure: parsing and lookups only.
 */
export interface Category {
  /** `<sector>.<name>`, lowercase latin, e.g. `housing.heating`. */
  code: string;
  /** Russian title shown in the UI. */
  title: string;
}

export interface Taxonomy {
  version: number;
  sectors: Readonly<Record<Sector, readonly Category[]>>;
}

export const MIN_CATEGORIES_PER_SECTOR = 3;
export const OTHER_CATEGORY_TITLE = 'Прочие по направлению';

/** The «прочие по направлению» code of a sector. */
export const otherCategory = (sector: Sector): string => `${sector}.other`;

const CODE = /^([a-z]+)\.([a-z][a-z0-9_]*)$/;

/** Validates a taxonomy document (config/taxonomy.json); throws naming the offending field. */
export function parseTaxonomy(doc: unknown): Taxonomy {
  const fail = (path: string, problem: string): never => {
    throw new Error(`taxonomy ${path}: ${problem}`);
  };
  if (typeof doc !== 'object' || doc === null) return fail('', 'expected an object');
  const { version, sectors } = doc as { version?: unknown; sectors?: unknown };
  if (typeof version !== 'number' || !Number.isInteger(version)) fail('version', 'expected an integer');
  if (typeof sectors !== 'object' || sectors === null) return fail('sectors', 'expected an object keyed by sector');
  const out = {} as Record<Sector, Category[]>;
  const seen = new Set<string>();
  for (const key of Object.keys(sectors)) if (!(SECTORS as readonly string[]).includes(key)) fail(`sectors.${key}`, 'unknown sector');
  for (const sector of SECTORS) {
    const list = (sectors as Record<string, unknown>)[sector];
    if (!Array.isArray(list)) return fail(`sectors.${sector}`, 'missing (every sector needs its categories)');
    out[sector] = list.map((c: unknown, i) => {
      const path = `sectors.${sector}[${i}]`;
      const { code, title } = (c ?? {}) as { code?: unknown; title?: unknown };
      if (typeof code !== 'string') return fail(`${path}.code`, 'expected a string');
      const m = CODE.exec(code);
      if (!m || m[1] !== sector) fail(`${path}.code`, `"${code}" must look like ${sector}.<name>`);
      if (seen.has(code)) fail(`${path}.code`, `"${code}" is listed twice`);
      seen.add(code);
      if (typeof title !== 'string' || title.trim() === '') return fail(`${path}.title`, 'expected a non-empty Russian title');
      return { code, title };
    });
    const other = otherCategory(sector);
    if (!out[sector].some((c) => c.code === other)) fail(`sectors.${sector}`, `needs «${OTHER_CATEGORY_TITLE}» (${other})`);
    const own = out[sector].filter((c) => c.code !== other).length;
    if (own < MIN_CATEGORIES_PER_SECTOR) fail(`sectors.${sector}`, `needs at least ${MIN_CATEGORIES_PER_SECTOR} categories besides ${other}, has ${own}`);
  }
  return { version: version as number, sectors: out };
}

/** The category a code names in this taxonomy, or the sector's «прочие» when it lists no such code. */
export function resolveCategory(taxonomy: Taxonomy, sector: Sector, code: string): Category {
  const list = taxonomy.sectors[sector];
  return list.find((c) => c.code === code) ?? list.find((c) => c.code === otherCategory(sector)) ?? { code: otherCategory(sector), title: OTHER_CATEGORY_TITLE };
}

/** Every category code, in taxonomy order. */
export function categoryCodes(taxonomy: Taxonomy): string[] {
  return SECTORS.flatMap((s) => taxonomy.sectors[s].map((c) => c.code));
}
