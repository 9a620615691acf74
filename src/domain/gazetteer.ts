/** A region's municipalities, as loaded from config/regions/<region>.json. */
export interface Municipality {
  /** Stable code, lowercase latin, e.g. `omsk`, `tara`, `isilkul`. */
  code: string;
  /** Russian name shown in the UI, e.g. «Омск», «Тарский район». */
  name: string;
  kind: 'city' | 'district';
  /** Administrative centre for districts (e.g. «Тара»). */
  center?: string;
  /** Other spellings and word forms that point at this municipality in text (lowercase). */
  aliases: string[];
  /** Settlements (villages, towns) inside it, lowercase nominative. */
  settlements: string[];
}

export interface Region {
  code: string;
  name: string;
  municipalities: Municipality[];
}

/** Municipality code used when a post concerns the whole region or no place is known. */
export const WHOLE_REGION = 'region';
