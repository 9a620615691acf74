import type { Sector } from './sector';

export interface Scored<T> {
  label: T;
  confidence: number;
}

/** What the classifier says about one post. Every output carries the model version. */
export interface Classification {
  sector: Scored<Sector>;
  /** A complaint that needs an answer (vs. question, thanks, news, chatter). */
  complaint: { value: boolean; confidence: number };
  /** Risk signal for the misinformation desk, 0..1, with the reasons behind it. Never a verdict. */
  misinformation: { score: number; reasons: string[] };
  modelVersion: string;
}
