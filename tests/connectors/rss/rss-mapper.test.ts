import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../../connectors/rss/rss.connector';
import { FeedError, htmlToText, mapFeed, parseFeedDate } from '../../../connectors/rss/rss.mapper';
import { parseXml, XmlError } from '../../../connectors/rss/xml';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';

const NOW = new Date('2026-11-23T05:00:00.000Z');
const fixture = (name: string) => readFileSync(new URL(`../../../connectors/rss/fixtures/${name}`, import.meta.url), 'utf8');
const news = { sourceId: 'rss:omsk-news', feedUrl: 'https://omsk-news.example/rss/', municipality: 'omsk' };

describe('RSS 2.0', () => {
  const posts = mapFeed(fixture('rss2-news.xml'), news, NOW);

  it('maps every item to a post the pipeline accepts', () => {
    expect(posts).toHaveLength(3);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(
      posts.every((p) => p.network === 'news' && p.kind === 'post' && p.sourceId === 'rss:omsk-news' && p.municipality === 'omsk'),
    ).toBe(true);
  });

  it('turns CDATA HTML into plain text with entities decoded, title first', () => {
    expect(posts[0]!.text).toBe(
      'На Левобережье без отопления остались 12 домов\n\nЖители домов на улице Транссибирской жалуются на холодные батареи.\nВ «ОмскРТС» обещают восстановить подачу тепла к вечеру.',
    );
  });

  it('decodes escaped HTML descriptions and drops scripts', () => {
    expect(posts[1]!.text).toBe(
      'Мэрия: снег с дорог вывозят круглосуточно & без выходных\n\nНа улицы вышли 140 единиц техники.\nЖалобы принимают по телефону 112.',
    );
  });

  it('uses permalink guids as ids and scopes numeric guids by the feed host', () => {
    expect(posts.map((p) => p.externalId)).toEqual([
      'https://omsk-news.example/news/2026/11/23/otoplenie-levoberezhye/',
      'omsk-news.example:48213',
      'omsk-news.example:48190',
    ]);
  });

  it('resolves relative links against the feed', () => {
    expect(posts[2]!.url).toBe('https://omsk-news.example/news/2026/11/22/avtobus-24/');
  });

  it('reads RFC 822 dates with offsets, MSK and two-digit years', () => {
    expect(posts.map((p) => p.publishedAt)).toEqual(['2026-11-23T03:40:00.000Z', '2026-11-23T05:15:00.000Z', '2026-11-22T18:00:00.000Z']);
  });

  it('takes dc:creator or the name in <author>, never a bare e-mail; id is the feed', () => {
    expect(posts[0]!.author).toEqual({ id: 'https://omsk-news.example/', name: 'Анна Смирнова', url: 'https://omsk-news.example/' });
    expect(posts[1]!.author.name).toBe('Пресс-служба редакции');
    expect(posts[2]!.author.name).toBe('Омские новости');
  });
});

describe('Atom', () => {
  const posts = mapFeed(fixture('atom-news.xml'), { sourceId: 'rss:omr', feedUrl: 'https://omr.example/news/atom.xml' }, NOW);

  it('maps entries with ids, alternate links, RFC 3339 dates and authors', () => {
    expect(posts).toHaveLength(2);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(posts[0]).toMatchObject({
      network: 'news',
      externalId: 'tag:omr.example,2026:news/1571',
      url: 'https://omr.example/news/1571',
      publishedAt: '2026-11-23T03:30:00.000Z',
      author: { id: 'https://omr.example/news/', name: 'Отдел ЖКХ' },
      text: 'График отключения воды в пос. Ростовка\n\n24 ноября с 9:00 до 17:00 не будет воды на ул. Центральной.',
    });
    expect(posts[0]!.municipality).toBeUndefined();
  });

  it('falls back to updated, and flattens xhtml summaries', () => {
    expect(posts[1]!.publishedAt).toBe('2026-11-22T15:00:00.000Z');
    expect(posts[1]!.text).toBe('Приём граждан главой района\n\nПриём пройдёт 26 ноября.\nЗапись по телефону.');
    expect(posts[1]!.author.name).toBe('Администрация Омского района');
  });
});

describe('Dzen', () => {
  const posts = mapFeed(
    fixture('dzen-channel.xml'),
    { sourceId: 'dzen:omsk_zdes', feedUrl: 'https://dzen.ru/api/v3/launcher/export?channel_name=omsk_zdes' },
    NOW,
  );

  it('is network dzen, with article ids and the channel as author', () => {
    expect(posts.map((p) => [p.network, p.externalId])).toEqual([
      ['dzen', 'https://dzen.ru/a/ZyK3mQAAAAAAbCdE'],
      ['dzen', 'https://dzen.ru/a/ZyJxAAAAAAAAaBcD'],
    ]);
    expect(posts[0]!.author).toEqual({ id: 'https://dzen.ru/omsk_zdes', name: 'Омск здесь', url: 'https://dzen.ru/omsk_zdes' });
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
  });

  it('uses content:encoded when the description is empty', () => {
    expect(posts[1]!.text).toBe(
      'Гололёд на Красном Пути: пешеходы падают у остановки\n\nУ остановки «Университет путей сообщения» тротуар не посыпан уже третий день.',
    );
    expect(posts[0]!.text).toBe(
      'Почему в Кировском округе снова нет горячей воды\n\nРазбираемся, что происходит с горячей водой на Левом берегу.',
    );
  });
});

describe('missing or odd data', () => {
  const posts = mapFeed(fixture('missing-dates.xml'), { sourceId: 'rss:tara', feedUrl: 'http://tara-vestnik.example/feed' }, NOW);

  it('dates an undated or unparseable item at fetch time', () => {
    expect(posts.slice(0, 2).map((p) => p.publishedAt)).toEqual([NOW.toISOString(), NOW.toISOString()]);
  });

  it('keeps an item without title or link (hashed id, feed link as url) and skips an empty one', () => {
    expect(posts).toHaveLength(3);
    expect(posts[2]!.externalId).toMatch(/^h:[0-9a-f]{64}$/);
    expect(posts[2]!.url).toBe('http://tara-vestnik.example/');
    expect(posts[2]!.text).toBe('Новость без заголовка и ссылки.');
    // Same input, same id: a re-fetch is a duplicate, not a new post.
    expect(
      mapFeed(fixture('missing-dates.xml'), { sourceId: 'rss:tara', feedUrl: 'http://tara-vestnik.example/feed' }, new Date()).at(2)!
        .externalId,
    ).toBe(posts[2]!.externalId);
  });

  it('hashes ids longer than 128 characters', () => {
    const long = `https://omsk-news.example/${'a'.repeat(300)}`;
    const xml = `<rss><channel><title>T</title><item><title>x</title><link>${long}</link></item></channel></rss>`;
    const [post] = mapFeed(xml, news, NOW);
    expect(post!.externalId).toMatch(/^h:[0-9a-f]{64}$/);
    expect(post!.url).toBe(long);
  });

  it('keeps the author within the domain limits for long channel URLs and titles', () => {
    const link = `https://omsk-news.example/${'k'.repeat(250)}`;
    const xml = `<rss><channel><title>${'Т'.repeat(400)}</title><link>${link}</link><item><title>x</title></item></channel></rss>`;
    const [post] = mapFeed(xml, news, NOW);
    expect(post!.author.id).toMatch(/^h:[0-9a-f]{64}$/);
    expect(post!.author.name).toHaveLength(300);
    expect(incomingPostSchema.safeParse(post).error).toBeUndefined();
  });

  it('falls back to a URL guid, never to a relative-looking plain guid', () => {
    const xml = `<rss><channel><title>T</title><link>https://omsk-news.example/</link>
      <item><title>a</title><guid>https://omsk-news.example/a</guid></item>
      <item><title>b</title><guid>48213</guid></item></channel></rss>`;
    expect(mapFeed(xml, news, NOW).map((p) => p.url)).toEqual(['https://omsk-news.example/a', 'https://omsk-news.example/']);
  });

  it('never uses a javascript: link', () => {
    const xml = `<rss><channel><title>T</title><link>https://omsk-news.example/</link><item><title>x</title><link>javascript:alert(1)</link></item></channel></rss>`;
    expect(mapFeed(xml, news, NOW)[0]!.url).toBe('https://omsk-news.example/');
  });

  it('decodes a windows-1251 feed by its XML declaration', () => {
    const body = readFileSync(new URL('../../../connectors/rss/fixtures/rss-windows-1251.xml', import.meta.url));
    const posts1251 = mapFeed(
      decodeFeed({ body, headers: {} }),
      { sourceId: 'rss:isilkul', feedUrl: 'http://isilkul-gazeta.example/rss' },
      NOW,
    );
    expect(posts1251[0]!.text).toBe('В Исилькуле отремонтируют котельную\n\nРаботы начнутся в декабре.');
  });
});

describe('broken input fails loudly', () => {
  const map = (name: string) => () => mapFeed(fixture(name), news, NOW);

  it('truncated XML names the unclosed element and the position', () => {
    expect(map('broken-truncated.xml')).toThrow(FeedError);
    expect(map('broken-truncated.xml')).toThrow(/not well-formed XML.*unclosed element <description>/);
  });

  it('mismatched tags name both tags and the line', () => {
    expect(map('broken-mismatched.xml')).toThrow(/line 6, column \d+: Expected closing tag 'title' \(opened in line 6, col \d+\) instead of closing tag 'description'/);
  });

  it('an HTML page instead of a feed says so', () => {
    expect(map('not-a-feed.html')).toThrow('not an RSS or Atom feed: got an HTML page ("Доступ ограничен")');
  });

  it('a non-feed XML document names its root element', () => {
    expect(() => mapFeed('<?xml version="1.0"?><error><code>403</code></error>', news, NOW)).toThrow(
      "not an RSS or Atom feed: the document's root element is <error>",
    );
  });

  it('refuses DTD entity definitions instead of expanding them', () => {
    expect(map('entity-expansion.xml')).toThrow(/DOCTYPE with an internal subset is not accepted/);
  });

  it('an empty body is an error, not zero posts', () => {
    expect(() => mapFeed('', news, NOW)).toThrow(/no root element/);
  });
});

describe('parts', () => {
  it('parseFeedDate reads RFC 822 and RFC 3339 forms and refuses nonsense', () => {
    expect(parseFeedDate('Tue, 10 Jun 2003 04:00:00 GMT')).toBe('2003-06-10T04:00:00.000Z');
    expect(parseFeedDate('10 Jun 2003 04:00 -0500')).toBe('2003-06-10T09:00:00.000Z');
    expect(parseFeedDate('Mon, 23 Nov 2026 10:00:00 +03:00')).toBe('2026-11-23T07:00:00.000Z');
    expect(parseFeedDate('2026-11-23T10:00:00+06:00')).toBe('2026-11-23T04:00:00.000Z');
    expect(parseFeedDate('2026-11-23T10:00:00.5Z')).toBe('2026-11-23T10:00:00.500Z');
    expect(parseFeedDate('2026-11-23')).toBe('2026-11-23T00:00:00.000Z');
    expect(parseFeedDate('31 Feb 2026 10:00:00 GMT')).toBeUndefined();
    expect(parseFeedDate('Mon, 23 Foo 2026 10:00:00 GMT')).toBeUndefined();
    expect(parseFeedDate('2026-11-23T25:00:00Z')).toBeUndefined();
  });

  it('htmlToText keeps paragraphs, decodes entities, removes comments and styles', () => {
    expect(htmlToText('<p>Раз&nbsp;&mdash; два</p><!-- x --><style>p{}</style><p>три&#x21; &#8470;5 &unknown;</p>')).toBe(
      'Раз — два\nтри! №5 &unknown;',
    );
  });

  it('parseXml expands only the predefined and numeric entities', () => {
    const root = parseXml('<a t="&quot;x&quot;">&lt;b&gt; &amp;amp; &#1046; &nbsp;<![CDATA[<raw> &amp;]]></a>');
    expect(root.attrs['t']).toBe('"x"');
    expect(root.text).toBe('<b> &amp; Ж &nbsp;<raw> &amp;');
  });

  it('parseXml refuses unquoted attributes, stray text and two roots', () => {
    expect(() => parseXml('<a b=c></a>')).toThrow(/Attribute 'b' is without value/);
    expect(() => parseXml('junk<a></a>')).toThrow(/line 1, column 1: char 'j' is not expected/);
    expect(() => parseXml('<a/> junk')).toThrow(/text outside the root/);
    expect(() => parseXml('<a></a><b></b>')).toThrow(/line 1, column 10: Multiple possible root nodes/);
    // Nesting past the limit is a malformed feed (XmlError), never a stack overflow.
    expect(() => parseXml(`<a>${'<b>'.repeat(5_000)}${'</b>'.repeat(5_000)}</a>`)).toThrow(XmlError);
  });
});
