import type { Sector } from '../../src/domain/sector';

/**
 * One problem category of a sector, as hand-written fragments.
 *
 * Every list is split into train and test parts by position (see `splitPool` in generate.ts), so
 * the test split is written from phrasings the model never saw. A leading "!" on a complaint
 * marks it urgent (danger to people or property now).
 */
export interface CategoryFragments {
  /** Category code, unique within the sector. */
  code: string;
  /** Complaint clauses ("батареи ледяные"). Composed with durations, places, demands. */
  complaints: string[];
  /** Topic in the genitive for generic frames ("по поводу {gen}", "проблема {gen}"). */
  gen: string[];
  /** Information-seeking questions without the question mark ("когда дадут отопление"). */
  questions: string[];
  /** News-channel facts (no complaint, neutral). */
  news: string[];
  /** Thanks for a fix, without "спасибо" ("за то, что быстро починили лифт"). */
  thanks: string[];
  /** Official replies of the responsible organisation (body only). */
  official?: string[];
}

export interface SectorFragments {
  sector: Sector;
  /** Organisations residents blame or thank, in the dative ("управляющей компании"). */
  orgsDat: string[];
  /** The same organisations in the nominative ("управляющая компания"). */
  orgsNom: string[];
  categories: CategoryFragments[];
  /** Off-topic but on-sector chatter ("раньше автобусы ходили по расписанию"). */
  chatter: string[];
}

export interface CorpusRecord {
  id: string;
  text: string;
  sector: Sector;
  category: string;
  complaint: boolean;
  misinformation: boolean;
  tone: 'negative' | 'neutral' | 'positive';
  urgent: boolean;
  register: string;
  network: string;
}
