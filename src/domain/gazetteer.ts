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
  /**
   * For a city: its settlements that lie inside one of its parts, and other names of parts
   * (lowercase): «московка» → «ленинский округ» (inside it), «левобережье» → «кировский округ»,
   * «северах» → «советский округ» (the same part). Claim matching reads them
   * (src/services/claim-matcher.service.ts).
   */
  within?: Record<string, string>;
}

export interface Region {
  code: string;
  name: string;
  /** IANA time zone of the region (deadlines count working time there), e.g. `Asia/Omsk` (UTC+6). */
  timeZone?: string;
  municipalities: Municipality[];
  /** Streets residents write about (config/regions/<region>.streets.json), for address resolution. */
  streets?: Street[];
  /**
   * Place names of the region that are also ordinary words or common names elsewhere
   * (config/regions/<region>.ambiguous.json): they name a place only after a settlement word.
   */
  ambiguous?: string[];
}

/** A street of a municipality, with the lowercase forms it is written in («маркса», «красном пути»). */
export interface Street {
  /** Full name shown in the UI, e.g. «проспект Карла Маркса». */
  name: string;
  municipality: string;
  keys: string[];
}

/** Municipality code used when a post concerns the whole region or no place is known. */
export const WHOLE_REGION = 'region';
