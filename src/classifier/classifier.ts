import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Classification } from '../domain/classification';
import { isSector, SECTORS, type Sector } from '../domain/sector';
import type { AnalyzedText } from '../text/analyze';
import { extractFeatures } from './features';
import { deserializeModel, type LinearHead, type ModelMeta } from './linear';
import { cueRisk, misinfoCues } from './misinfo-cues';

export interface TextClassifier {
  readonly version: string;
  classify(text: AnalyzedText): Classification;
}

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/dozor-classifier.bin.gz', import.meta.url));

export const HEADS = { sector: 'sector', complaint: 'complaint', misinformation: 'misinformation' } as const;

/** Builds a classifier from trained heads (the trainer uses this too, before saving). */
export function classifierFromHeads(meta: Pick<ModelMeta, 'version'>, heads: ReadonlyMap<string, LinearHead>): TextClassifier {
  const sector = heads.get(HEADS.sector);
  const complaint = heads.get(HEADS.complaint);
  const misinfo = heads.get(HEADS.misinformation);
  if (!sector || !complaint || !misinfo) throw new Error('model is missing a head (sector, complaint, misinformation)');
  if (sector.labels.some((l) => !isSector(l)) || sector.labels.length !== SECTORS.length) throw new Error('model sector labels do not match the domain');

  return {
    version: meta.version,
    classify(text: AnalyzedText): Classification {
      const cues = misinfoCues(text.normalized);
      const x = extractFeatures(text, cues);
      const ps = sector.predict(x);
      let best = 0;
      for (let i = 1; i < ps.length; i++) if ((ps[i] as number) > (ps[best] as number)) best = i;
      const pc = complaint.predict(x)[1] as number;
      // The model learns phrasing; the cues generalise to phrasing it never saw. Either can raise the risk.
      const pm = Math.max(misinfo.predict(x)[1] as number, cueRisk(cues));
      return {
        sector: { label: sector.labels[best] as Sector, confidence: round(ps[best] as number) },
        complaint: { value: pc >= 0.5, confidence: round(pc >= 0.5 ? pc : 1 - pc) },
        misinformation: { score: round(pm), reasons: cues },
        modelVersion: meta.version,
      };
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Loads the shipped (or given) model file. */
export async function loadClassifier(modelPath: string = DEFAULT_MODEL_PATH): Promise<TextClassifier> {
  const { meta, heads } = deserializeModel(await readFile(modelPath));
  return classifierFromHeads(meta, heads);
}
