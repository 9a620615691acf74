import { join } from 'node:path';
import type { Explanation, TextClassifier } from '../classifier/classifier';
import type { SessionUser } from '../domain/access';
import type { Sector } from '../domain/sector';
import { NotFoundError } from '../lib/errors';
import type { AnalyzedText } from '../text/analyze';

/** The stored post fields an explanation needs. */
export interface ExplainablePost {
  id: string;
  text: string;
  sector: Sector;
  municipality: string;
  model_version: string;
}

export interface PostExplanation {
  postId: string;
  /** The model that classified the post when it was stored. */
  storedModelVersion: string;
  /** The model that produced this explanation. */
  explainedWith: string;
  /** False when the stored model is no longer available and the active one was used instead. */
  sameModel: boolean;
  /** Russian note for the operator when the explanation comes from another model. */
  note: string | null;
  explanation: Explanation;
}

export interface ExplanationDeps {
  findPost(id: string): Promise<ExplainablePost | null>;
  /** Path of a stored model version, or null when it is not available any more. */
  modelPath(version: string): Promise<string | null>;
  /** The model new posts are classified with now. */
  activeModel(): Promise<{ version: string; path: string }>;
  load(path: string): Promise<TextClassifier>;
  analyze(text: string): AnalyzedText;
  /** Features shown per label. */
  perLabel?: number;
}

/** Models kept loaded for explanations (each ~50 MB): the active one and one older version. */
const MAX_LOADED = 2;

/**
 * Explanations: re-analyses a stored post's text with the model version that classified it (if
 * the registry still has it, else the active model, saying so) and returns, for each label, the
 * few features that drove it. Scoped like search: a post outside the viewer's sectors or
 * municipalities is "not found", so its existence does not leak.
 */
export function createExplanationService(deps: ExplanationDeps) {
  const loaded = new Map<string, Promise<TextClassifier>>();

  function classifier(path: string): Promise<TextClassifier> {
    let c = loaded.get(path);
    if (!c) {
      c = deps.load(path);
      // A failed load is not cached: the next request tries again.
      c.catch(() => loaded.delete(path));
      loaded.set(path, c);
      while (loaded.size > MAX_LOADED) loaded.delete(loaded.keys().next().value as string);
    }
    return c;
  }

  return {
    async explain(viewer: SessionUser, postId: string): Promise<PostExplanation> {
      const post = await deps.findPost(postId);
      const { sectors, municipalities } = viewer.scope;
      const inScope = post && (sectors === 'all' || sectors.includes(post.sector)) && (municipalities === 'all' || municipalities.includes(post.municipality));
      if (!post || !inScope) throw new NotFoundError('post');
      let path: string | null = null;
      try {
        path = await deps.modelPath(post.model_version);
      } catch {
        path = null; // a version the registry cannot name is treated as gone
      }
      let sameModel = path !== null;
      let clf: TextClassifier | null = null;
      if (path) {
        try {
          clf = await classifier(path);
        } catch {
          sameModel = false;
        }
      }
      if (!clf || !sameModel) clf = await classifier((await deps.activeModel()).path);
      const explanation = clf.explain(deps.analyze(post.text), deps.perLabel ?? 5);
      return {
        postId: post.id,
        storedModelVersion: post.model_version,
        explainedWith: clf.version,
        sameModel: sameModel && clf.version === post.model_version,
        note:
          sameModel && clf.version === post.model_version
            ? null
            : `Модель ${post.model_version}, которой классифицирован пост, недоступна; объяснение построено активной моделью ${clf.version} и может не совпадать с сохранёнными метками.`,
        explanation,
      };
    },
  };
}
export type ExplanationService = ReturnType<typeof createExplanationService>;

/**
 * Explanation dependencies over the model registry (src/classifier-registry): a stored version
 * is explained by its own file while the registry keeps it. The model code loads on first use.
 */
export function explanationDepsFromRegistry(deps: {
  registry: { dir: string; get(version: string): Promise<{ source: 'registry' | 'shipped' } | null>; active(): Promise<{ version: string; path: string }> };
  shippedPath: string;
  findPost(id: string): Promise<{ doc: ExplainablePost } | null>;
  analyze(text: string): AnalyzedText;
}): ExplanationDeps {
  return {
    findPost: async (id) => (await deps.findPost(id))?.doc ?? null,
    async modelPath(version) {
      const rec = await deps.registry.get(version);
      if (!rec) return null;
      return rec.source === 'shipped' ? deps.shippedPath : join(deps.registry.dir, `${version}.bin.gz`);
    },
    activeModel: () => deps.registry.active(),
    load: async (path) => (await import('../classifier/classifier')).loadClassifier(path),
    analyze: deps.analyze,
  };
}
