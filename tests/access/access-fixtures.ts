/**
 * Seeds posts and incidents straight into Elasticsearch (and the feed stream) with a chosen
 * sector, municipality, author and date, so access tests control exactly what is in and out of a
 * user's scope. The pipeline is not involved: the classifier decides sectors, tests should not.
 */
import type { FeedEntry } from '../../src/repositories/feed.repository';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import type { PostDoc } from '../../src/repositories/posts.repository';
import type { Sector } from '../../src/domain/sector';
import { analyze } from '../../src/text/analyze';
import type { TestSystem } from '../helpers/system';

export interface Cell {
  sector: Sector;
  municipality: string;
}

/** Two sectors × two municipalities. */
export const CELLS: readonly Cell[] = [
  { sector: 'housing', municipality: 'omsk' },
  { sector: 'housing', municipality: 'tara' },
  { sector: 'roads', municipality: 'omsk' },
  { sector: 'roads', municipality: 'tara' },
];

export interface SeedPost {
  id: string;
  sector: Sector;
  municipality: string;
  text: string;
  author: { id: string; name: string; url?: string };
  publishedAt: string;
  network?: PostDoc['network'];
  url?: string;
  withIncident?: boolean;
}

export function postDoc(p: SeedPost): PostDoc {
  const [network, externalId] = p.id.split(':') as [PostDoc['network'], string];
  return {
    id: p.id,
    network: p.network ?? network,
    external_id: externalId,
    kind: 'post',
    url: p.url ?? `https://vk.com/wall-1_${externalId}`,
    text: p.text,
    text_stems: analyze(p.text).stems.join(' '),
    text_length: p.text.length,
    published_at: p.publishedAt,
    ingested_at: p.publishedAt,
    source_id: 'vk:wall-1',
    municipality: p.municipality,
    author: p.author,
    sector: p.sector,
    sector_confidence: 0.9,
    complaint: true,
    complaint_confidence: 0.9,
    misinfo_score: 0.1,
    misinfo_reasons: [],
    model_version: 'test',
    ...(p.withIncident === false ? {} : { incident_id: `inc:${p.id}` }),
  };
}

export function incidentDoc(p: SeedPost, postIndex: string): IncidentDoc {
  const d = postDoc(p);
  return {
    id: `inc:${p.id}`,
    post_id: p.id,
    post_index: postIndex,
    reason: 'complaint',
    status: 'new',
    sector: p.sector,
    municipality: p.municipality,
    network: d.network,
    kind: 'post',
    created_at: p.publishedAt,
    due_at: new Date(Date.parse(p.publishedAt) + 4 * 3600_000).toISOString(),
    published_at: p.publishedAt,
    text: p.text,
    url: d.url,
    author: p.author,
    complaint_confidence: 0.9,
    misinfo_score: 0.1,
    misinfo_reasons: [],
    model_version: 'test',
  };
}

/** Writes posts (to their monthly index) and their incidents, refreshed, ready to search. */
export async function seed(sys: TestSystem, posts: readonly SeedPost[]): Promise<void> {
  const { es, names } = sys.container;
  const operations: unknown[] = [];
  for (const p of posts) {
    const index = names.postsIndexFor(p.publishedAt);
    operations.push({ index: { _index: index, _id: p.id } }, postDoc(p));
    if (p.withIncident !== false) operations.push({ index: { _index: names.incidentsIndex, _id: `inc:${p.id}` } }, incidentDoc(p, index));
  }
  const res = await es.bulk({ operations, refresh: 'wait_for' });
  if (res.errors) throw new Error(`seeding failed: ${JSON.stringify(res.items.find((i) => i.index?.error))}`);
}

/** Pushes seeded incidents onto the live feed, as the pipeline would. */
export async function publish(sys: TestSystem, posts: readonly SeedPost[]): Promise<void> {
  const entries: FeedEntry[] = posts.map((p) => ({ incidentId: `inc:${p.id}`, sector: p.sector, municipality: p.municipality }));
  await sys.container.repos.feed.publishOnce(entries);
}

/** One post per cell, with a marker word, a distinctive author and an incident. */
export function cellPosts(tag: string, publishedAt = new Date().toISOString()): SeedPost[] {
  return CELLS.map((c, i) => ({
    id: `vk:${tag}-${i}`,
    ...c,
    text: `Проверкадоступа ${tag} яма на дороге и нет отопления, ${c.sector} ${c.municipality}`,
    author: { id: `author-${tag}-${i}`, name: `Автор${tag}Номер${i}`, url: `https://vk.com/author-${tag}-${i}` },
    publishedAt,
  }));
}
