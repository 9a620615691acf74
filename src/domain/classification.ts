import type { Sector } from './sector';

export interface Scored<T> {
  label: T;
  confidence: number;
}

export const TONES = ['negative', 'neutral', 'positive'] as const;
export type Tone = (typeof TONES)[number];

/** A place written in the post, resolved against the region's gazetteer. */
export interface Place {
  /** Municipality code (config/regions/<region>.json), or `region` when none is known. */
  municipality: string;
  /** Where the municipality came from: the post's text, its source, or `unknown` when nothing names a place of the region. */
  municipalitySource: 'text' | 'source' | 'unknown';
  /** Street address when one is written («ул. Ленина, 12», «на Лукашевича»). */
  address: {
    /** Street name as the gazetteer spells it («улица Ленина»), or as written if not in it. */
    street: string;
    /** House number as written («12», «5к2»), when given. */
    house?: string;
    /** Whether the street is in the region's street list. */
    known: boolean;
    /** The span of text it was read from. */
    raw: string;
  } | null;
  /**
   * Every street of the region's list the text names, when it names more than one (an outage
   * notice: «по ул. 22 Апреля, Заозёрной, Волкова»); absent otherwise. `address` is the first.
   */
  streets?: string[];
  /**
   * The villages and towns of a district the text names («Екатерининское, Тарский район», «с.
   * Заливино», «в Шевченко»), in lower case; absent when it names none (src/classifier/place.ts).
   */
  settlements?: string[];
  /** Streets a notice lists after a street type that the street list lacks («по улицам Советская, Кооперативная»), as written. */
  listed?: string[];
}

/** An organisation named in the post (rule-based extraction). */
export interface OrganisationMention {
  kind: 'clinic' | 'hospital' | 'school' | 'kindergarten' | 'management_company' | 'hoa' | 'utility' | 'ambulance' | 'authority';
  /** Name as normalised from the text («поликлиника № 4», «УК Жилищник»). */
  name: string;
}

/** What the classifier says about one post. Every output carries the model version. */
export interface Classification {
  sector: Scored<Sector>;
  /** Problem category within the sector, `<sector>.<name>` (src/domain/taxonomy.ts). */
  category: { code: string; title: string; confidence: number };
  /** A complaint that needs an answer (vs. question, thanks, news, chatter). */
  complaint: { value: boolean; confidence: number };
  tone: Scored<Tone>;
  /** Danger to life or health, or a mass outage, now: flag, confidence and the cues behind it. */
  urgency: { value: boolean; confidence: number; reasons: string[] };
  /** Risk signal for the misinformation desk, 0..1, with the reasons behind it. Never a verdict. */
  misinformation: { score: number; reasons: string[] };
  /** Organisations named in the text (rule-based). */
  organisations: OrganisationMention[];
  /** Set by the pipeline or the CLI, which know the region's gazetteer; absent from the bare model. */
  place?: Place;
  modelVersion: string;
}
