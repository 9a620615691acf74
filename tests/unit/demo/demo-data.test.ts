import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDemoPosts, type DemoPost } from '../../../connectors/demo/demo.connector';
import { WHOLE_REGION, type Region } from '../../../src/domain/gazetteer';
import { NETWORKS } from '../../../src/domain/network';
import { SECTORS } from '../../../src/domain/sector';

const region = JSON.parse(
  readFileSync(new URL('../../../config/regions/omsk.json', import.meta.url), 'utf8'),
) as Region;
const posts = loadDemoPosts();

function countBy<K extends string>(items: readonly DemoPost[], key: (post: DemoPost) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('demo posts (connectors/demo/posts.ru.jsonl)', () => {
  it('has at least 400 posts', () => {
    expect(posts.length).toBeGreaterThanOrEqual(400);
  });

  it('covers every network with at least 25 posts, VK the most', () => {
    const byNetwork = countBy(posts, (p) => p.network);
    for (const network of NETWORKS) expect(byNetwork.get(network) ?? 0, network).toBeGreaterThanOrEqual(25);
    const vk = byNetwork.get('vk') ?? 0;
    for (const [network, n] of byNetwork) if (network !== 'vk') expect(vk, network).toBeGreaterThan(n);
  });

  it('covers every sector with at least 25 posts', () => {
    const bySector = countBy(posts, (p) => p.label.sector);
    for (const sector of SECTORS) expect(bySector.get(sector) ?? 0, sector).toBeGreaterThanOrEqual(25);
  });

  it('keeps the intended mix of comments, complaints and misinformation', () => {
    const share = (predicate: (p: DemoPost) => boolean) => posts.filter(predicate).length / posts.length;
    expect(share((p) => p.kind === 'comment')).toBeGreaterThanOrEqual(0.25);
    expect(share((p) => p.label.complaint)).toBeGreaterThanOrEqual(0.55);
    expect(share((p) => p.label.complaint)).toBeLessThanOrEqual(0.65);
    expect(share((p) => p.label.misinformation)).toBeGreaterThanOrEqual(0.08);
    expect(share((p) => p.label.misinformation)).toBeLessThanOrEqual(0.1);
  });

  it('uses only gazetteer municipality codes, Omsk most, at least 20 districts', () => {
    const codes = new Set([...region.municipalities.map((m) => m.code), WHOLE_REGION]);
    for (const post of posts) expect(codes.has(post.municipality), `${post.externalId}: ${post.municipality}`).toBe(true);
    const byMunicipality = countBy(posts, (p) => p.municipality);
    const omsk = byMunicipality.get('omsk') ?? 0;
    for (const [code, n] of byMunicipality) if (code !== 'omsk') expect(omsk, code).toBeGreaterThan(n);
    const districts = region.municipalities.filter((m) => m.kind === 'district' && byMunicipality.has(m.code));
    expect(districts.length).toBeGreaterThanOrEqual(20);
  });

  it('has unique externalIds and no repeated texts', () => {
    expect(new Set(posts.map((p) => p.externalId)).size).toBe(posts.length);
    expect(new Set(posts.map((p) => p.text)).size).toBe(posts.length);
  });

  it('puts every comment after its parent, on the same network, published no earlier', () => {
    const seen = new Map<string, DemoPost>();
    for (const post of posts) {
      if (post.kind === 'comment') {
        const parent = seen.get(post.parentExternalId ?? '');
        expect(parent, post.externalId).toBeDefined();
        expect(parent?.network, post.externalId).toBe(post.network);
        // The replay derives publishedAt from minutesAgo: a comment must not predate its post.
        expect(post.minutesAgo, post.externalId).toBeLessThanOrEqual(parent?.minutesAgo ?? -1);
      }
      seen.set(post.externalId, post);
    }
  });
});

describe('Omsk gazetteer (config/regions/omsk.json)', () => {
  const municipalities = region.municipalities;

  it('is Omsk Oblast with the city and 32 districts', () => {
    expect(region.code).toBe('omsk-oblast');
    expect(region.name).toBe('Омская область');
    expect(municipalities).toHaveLength(33);
    expect(municipalities.filter((m) => m.kind === 'city').map((m) => m.code)).toEqual(['omsk']);
    for (const m of municipalities.filter((x) => x.kind === 'district')) expect(m.center, m.code).toBeTruthy();
  });

  it('has unique lowercase latin codes', () => {
    const codes = municipalities.map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(codes).not.toContain(WHOLE_REGION);
  });

  it('has lowercase aliases and settlements for every municipality', () => {
    for (const m of municipalities) {
      expect(m.aliases.length, m.code).toBeGreaterThan(0);
      expect(m.settlements.length, m.code).toBeGreaterThanOrEqual(5);
      for (const word of [...m.aliases, ...m.settlements]) expect(word, m.code).toBe(word.toLowerCase());
    }
  });

  it('lists the five administrative okrugs of Omsk', () => {
    const omsk = municipalities.find((m) => m.code === 'omsk');
    for (const okrug of ['центральный', 'советский', 'кировский', 'ленинский', 'октябрьский']) {
      expect(omsk?.aliases, okrug).toContain(`${okrug} округ`);
    }
  });

  it('never gives one alias to two municipalities, nor an alias that is another one’s settlement', () => {
    const owner = new Map<string, string>();
    for (const m of municipalities) {
      for (const alias of new Set(m.aliases)) {
        expect(owner.get(alias) ?? m.code, `alias «${alias}»`).toBe(m.code);
        owner.set(alias, m.code);
      }
    }
    for (const m of municipalities) {
      for (const settlement of m.settlements) {
        expect(owner.get(settlement) ?? m.code, `settlement «${settlement}»`).toBe(m.code);
      }
    }
  });
});
