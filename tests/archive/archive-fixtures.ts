import type { Container } from '../../src/container';
import type { Network } from '../../src/domain/network';
import type { Sector } from '../../src/domain/sector';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import type { PostDoc } from '../../src/repositories/posts.repository';
import { analyze } from '../../src/text/analyze';

export interface SeedPost {
  id: string;
  text: string;
  sector: Sector;
  municipality: string;
  publishedAt: string;
  category?: string;
  tone?: 'negative' | 'neutral' | 'positive';
  network?: Network;
  urgent?: boolean;
  misinfo?: number;
  author?: string;
  street?: string;
  house?: string;
  incident?: { id: string; status: IncidentDoc['status']; reason?: IncidentDoc['reason']; urgent?: boolean };
}

/** A post document as the pipeline stores it (stems by the same analyser), for exact fixtures. */
export function postDoc(p: SeedPost): PostDoc {
  const network = p.network ?? 'vk';
  return {
    id: p.id,
    network,
    external_id: p.id.split(':')[1] ?? p.id,
    kind: 'post',
    url: `https://vk.com/wall-1_${p.id}`,
    text: p.text,
    text_stems: analyze(p.text).stems.join(' '),
    text_length: p.text.length,
    published_at: p.publishedAt,
    ingested_at: new Date().toISOString(),
    source_id: `demo:${p.municipality}`,
    municipality: p.municipality,
    author: { id: `a-${p.author ?? 'anon'}`, name: p.author ?? 'Аноним' },
    sector: p.sector,
    sector_confidence: 0.9,
    complaint: true,
    complaint_confidence: 0.8,
    misinfo_score: p.misinfo ?? 0.05,
    misinfo_reasons: [],
    ...(p.category ? { category: p.category, category_confidence: 0.8 } : {}),
    tone: p.tone ?? 'negative',
    tone_confidence: 0.8,
    urgent: p.urgent ?? false,
    urgency_confidence: 0.5,
    urgency_reasons: [],
    organisations: [],
    ...(p.street ? { address: { street: p.street, ...(p.house ? { house: p.house } : {}), known: true } } : {}),
    model_version: 'test',
    ...(p.incident ? { incident_id: p.incident.id } : {}),
  };
}

/** Bulk-indexes posts (and their incidents) into the system's real indices and refreshes. */
export async function seedPosts(c: Container, posts: SeedPost[]): Promise<void> {
  const ops: unknown[] = [];
  for (const p of posts) {
    const doc = postDoc(p);
    ops.push({ index: { _index: c.names.postsIndexFor(p.publishedAt), _id: p.id } }, doc);
    if (p.incident) {
      const inc: IncidentDoc = {
        id: p.incident.id,
        post_id: p.id,
        post_index: c.names.postsIndexFor(p.publishedAt),
        reason: p.incident.reason ?? 'complaint',
        status: p.incident.status,
        sector: p.sector,
        ...(p.category ? { category: p.category } : {}),
        urgent: p.incident.urgent ?? p.urgent ?? false,
        municipality: p.municipality,
        network: doc.network,
        kind: 'post',
        created_at: p.publishedAt,
        due_at: p.publishedAt,
        published_at: p.publishedAt,
        text: p.text,
        url: doc.url,
        author: doc.author,
        complaint_confidence: 0.8,
        misinfo_score: doc.misinfo_score,
        misinfo_reasons: [],
        model_version: 'test',
      };
      ops.push({ index: { _index: c.names.incidentsIndex, _id: inc.id } }, inc);
    }
  }
  for (let i = 0; i < ops.length; i += 2000) {
    const res = await c.es.bulk({ operations: ops.slice(i, i + 2000) as never, refresh: false });
    if (res.errors) throw new Error(`seed failed: ${JSON.stringify(res.items.find((it) => Object.values(it)[0]?.error))}`);
  }
  await c.es.indices.refresh({ index: `${c.names.posts},${c.names.incidents}` });
}

/** Authenticated JSON GET/POST against the running test API. */
export function client(baseUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async get<T = unknown>(path: string): Promise<{ status: number; body: T; text: string; headers: Headers }> {
      const res = await fetch(`${baseUrl}${path}`, { headers });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      return { status: res.status, body: body as T, text, headers: res.headers };
    },
    async raw(path: string): Promise<Response> {
      return fetch(`${baseUrl}${path}`, { headers });
    },
    async send<T = unknown>(method: string, path: string, payload?: unknown): Promise<{ status: number; body: T }> {
      const res = await fetch(`${baseUrl}${path}`, { method, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}
