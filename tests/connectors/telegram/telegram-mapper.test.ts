import { describe, expect, it } from 'vitest';
import { parseTelegramCursor, normaliseChannel, TelegramSourceError } from '../../../connectors/telegram/telegram.connector';
import { htmlText, parseHtml, find, byClass } from '../../../connectors/telegram/html';
import { parseChannelPage, parseViews, readChannelPage, TelegramParseError, type ChannelMessage } from '../../../connectors/telegram/telegram.mapper';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import { FakeChannel, fixture } from './fake-telegram';

const source = { sourceId: 'telegram_channel:omsk_oper', channel: 'omsk_oper', municipality: 'omsk' };

function channelPage(html: string) {
  const page = readChannelPage(html, source);
  if (page.kind !== 'channel') throw new Error(`expected a channel page, got ${page.kind}`);
  return page;
}
const byId = (messages: ChannelMessage[], id: number) => messages.find((m) => m.id === id)!;

describe('readChannelPage over the recorded channel page', () => {
  const page = channelPage(fixture('channel-latest.html'));

  it('reads the header, every message in id order and the "load older" marker', () => {
    expect(page.title).toBe('Омская область | Оперативно');
    expect(page.messages.map((m) => m.id)).toEqual([4801, 4802, 4804, 4805, 4806, 4807, 4808, 4809, 4811, 4812]);
    expect(page.before).toBe(4801);
    // The script at the end of the page mentions a data-post: scripts are not markup.
    expect(page.messages.every((m) => m.channel === 'omsk_oper')).toBe(true);
  });

  it('text keeps line breaks from <br>, decodes entities and emoji, keeps a worded link target', () => {
    const m = byId(page.messages, 4802);
    expect(m.text).toBe(
      '⚠️ Авария на теплотрассе в Кировском округе\n\n' +
        'Из-за порыва на магистральном трубопроводе без отопления остались 14 домов на ул. Волгоградской и ул. 70 лет Октября. Аварийные бригады «Омск РТС» уже работают на месте.\n\n' +
        'Ориентировочное время восстановления — до 18:00. Подробнее — на портале Правительства (https://omskportal.ru/oiv/mszhkh/press/news/2026/11/22/teplo).\n\n' +
        '#ЖКХ #КировскийАО',
    );
    expect(m.links).toEqual(['https://omskportal.ru/oiv/mszhkh/press/news/2026/11/22/teplo']);
    expect(m.publishedAt).toBe('2026-11-22T06:14:03.000Z');
    expect(m.url).toBe('https://t.me/omsk_oper/4802');
    expect(m.views).toBe(12_700);
    expect(m.media).toEqual(['photo']);
  });

  it('a link that shows its own address is not repeated; &lt; stays a literal "<"', () => {
    expect(byId(page.messages, 4808).text).toBe(
      'На Ленинградском мосту ограничено движение: идёт замена деформационных швов. Объезд по мосту 60-летия ВЛКСМ.\nСхема объезда — omsk.ru/transport/most-2026',
    );
    expect(byId(page.messages, 4808).links).toEqual(['https://omsk.ru/transport/most-2026']);
    expect(byId(page.messages, 4812).text).toContain('разбирается <причины уточняются>. Пишите о проблемах в @omsk_cur_bot.');
  });

  it('the date comes from the message footer, not from a video duration <time>', () => {
    const m = byId(page.messages, 4808);
    expect(m.publishedAt).toBe('2026-11-22T16:20:31.000Z');
    expect(m.media).toEqual(['video']);
    expect(m.views).toBe(987);
  });

  it('forwarded-from: name and link', () => {
    expect(byId(page.messages, 4805).forwardedFrom).toEqual({ name: 'ГУ МЧС России по Омской области', url: 'https://t.me/mchs_55/9127' });
  });

  it('reply context: the replied message id, author and quote; the quote is not the text', () => {
    const m = byId(page.messages, 4806);
    expect(m.replyTo).toEqual({
      url: 'https://t.me/omsk_oper/4802',
      channel: 'omsk_oper',
      id: 4802,
      author: 'Омская область | Оперативно',
      text: '⚠️ Авария на теплотрассе в Кировском округе',
    });
    expect(m.text.startsWith('Обновление: отопление восстановлено')).toBe(true);
    expect(m.signedBy).toBe('Анна Соколова');
    expect(m.views).toBe(9_800); // "9,8K"
  });

  it('albums, polls, link previews, unsupported media and service messages', () => {
    expect(byId(page.messages, 4804)).toMatchObject({ text: '', media: ['photo', 'photo'], views: 3_400 });
    expect(byId(page.messages, 4807).poll).toEqual({
      question: 'Как вы оцениваете уборку снега во дворах вашего района?',
      options: ['Убирают вовремя', 'С опозданием', 'Не убирают совсем'],
    });
    expect(byId(page.messages, 4809).linkPreview).toEqual({
      url: 'https://www.gosuslugi.ru/600180/1/form',
      site: 'Госуслуги',
      title: 'Компенсация расходов на газификацию',
      description: 'Подайте заявление онлайн — ответ придёт в личный кабинет',
    });
    expect(byId(page.messages, 4811)).toMatchObject({ media: ['unsupported'], views: 1_100_000 });
    expect(byId(page.messages, 4801)).toMatchObject({ service: true, text: 'Channel photo updated' });
  });
});

describe('parseChannelPage: posts for the pipeline', () => {
  const posts = parseChannelPage(fixture('channel-latest.html'), source);

  it('maps every non-service message to a valid post, oldest first', () => {
    expect(posts.map((p) => p.externalId)).toEqual([4802, 4804, 4805, 4806, 4807, 4808, 4809, 4811, 4812].map((id) => `omsk_oper/${id}`));
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(posts[0]).toEqual({
      network: 'telegram',
      externalId: 'omsk_oper/4802',
      kind: 'post',
      url: 'https://t.me/omsk_oper/4802',
      text: expect.stringContaining('без отопления остались 14 домов') as string,
      publishedAt: '2026-11-22T06:14:03.000Z',
      author: { id: 'omsk_oper', name: 'Омская область | Оперативно', url: 'https://t.me/omsk_oper' },
      sourceId: 'telegram_channel:omsk_oper',
      municipality: 'omsk',
      engagement: { views: 12_700 },
    });
  });

  it('forward and reply context become their own paragraphs; a reply stays a post without a parent', () => {
    const fwd = posts.find((p) => p.externalId === 'omsk_oper/4805')!;
    expect(fwd.text.split('\n\n').at(-1)).toBe('Переслано из: ГУ МЧС России по Омской области https://t.me/mchs_55/9127');
    const reply = posts.find((p) => p.externalId === 'omsk_oper/4806')!;
    expect(reply.text.split('\n\n').at(-1)).toBe('В ответ на: https://t.me/omsk_oper/4802 «⚠️ Авария на теплотрассе в Кировском округе»');
    expect(reply.kind).toBe('post');
    expect(reply.parentExternalId).toBeUndefined();
  });

  it('a signed message is authored by its signer, inside the channel', () => {
    const reply = posts.find((p) => p.externalId === 'omsk_oper/4806')!;
    expect(reply.author).toEqual({ id: 'omsk_oper:Анна Соколова', name: 'Анна Соколова', url: 'https://t.me/omsk_oper' });
  });

  it('media-only posts name their media; polls and link previews are text', () => {
    const text = (id: number) => posts.find((p) => p.externalId === `omsk_oper/${id}`)!.text;
    expect(text(4804)).toBe('[2 × фото]');
    expect(text(4811)).toBe('[медиа, доступное только в приложении Telegram]');
    expect(text(4807)).toBe('Опрос: Как вы оцениваете уборку снега во дворах вашего района?\n— Убирают вовремя\n— С опозданием\n— Не убирают совсем');
    expect(text(4809)).toBe(
      'Открыт приём заявок на компенсацию за подключение к газу. Подать заявление можно через Госуслуги.\n\n' +
        'Госуслуги: Компенсация расходов на газификацию\nПодайте заявление онлайн — ответ придёт в личный кабинет\nhttps://www.gosuslugi.ru/600180/1/form',
    );
  });

  it('pages served by the fake t.me map the same way as the recorded page', () => {
    const channel = new FakeChannel('omsk_oper', 'Омская область | Оперативно');
    channel.publish(25);
    const mapped = parseChannelPage(channel.page(), source);
    expect(mapped.map((p) => p.externalId)).toEqual(Array.from({ length: 20 }, (_, k) => `omsk_oper/${k + 6}`));
    expect(mapped[0]!.engagement).toEqual({ views: 1200 }); // 1222 shown as "1.2K"
    expect(readChannelPage(channel.page(6), source)).toMatchObject({ kind: 'channel', messages: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }] });
  });
});

describe('markup changes and other pages', () => {
  it('an empty channel is a channel page with no messages, not an error', () => {
    expect(readChannelPage(fixture('channel-empty.html'), source)).toEqual({ kind: 'channel', title: 'Любинский район: новости', messages: [] });
  });

  it('renamed message blocks are a parse failure naming the source and what was found', () => {
    const err = (() => {
      try {
        readChannelPage(fixture('channel-changed-markup.html'), source);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TelegramParseError);
    expect((err as TelegramParseError).kind).toBe('parse');
    expect((err as Error).message).toBe(
      'telegram source telegram_channel:omsk_oper: no .tgme_widget_message[data-post] found although the history section holds 10 element(s) (first: <div class="tgme_post_wrap js-widget_message_wrap">): the markup has changed',
    );
  });

  it('messages without dates are a parse failure listing them', () => {
    expect(() => readChannelPage(fixture('channel-missing-dates.html'), source)).toThrow(
      /^telegram source telegram_channel:omsk_oper: 9 of 10 messages unreadable: message omsk_oper\/4802: no date \(\.tgme_widget_message_date time\[datetime\]\); message omsk_oper\/4804: no date .* \(and 6 more\)$/,
    );
  });

  it('messages without ids are a parse failure', () => {
    const html = fixture('channel-latest.html').replaceAll('data-post="omsk_oper/', 'data-message="omsk_oper/');
    expect(() => readChannelPage(html, source)).toThrow('10 of 10 messages unreadable: message #1: no data-post attribute (message id)');
    const odd = fixture('channel-latest.html').replace('data-post="omsk_oper/4812"', 'data-post="omsk_oper-4812"');
    expect(() => readChannelPage(odd, source)).toThrow('1 of 10 messages unreadable: message #10: data-post "omsk_oper-4812" is not <channel>/<id>');
  });

  it('a page with a header but no history section is a parse failure', () => {
    const html = fixture('channel-latest.html').replace('tgme_channel_history', 'tgme_channel_feed');
    expect(() => readChannelPage(html, source)).toThrow('channel page without a .tgme_channel_history section: the markup has changed');
  });

  it('something that is not a t.me page at all is a parse failure naming its title', () => {
    expect(() => readChannelPage('<html><head><title>Доступ ограничен</title></head><body>403</body></html>', source)).toThrow(
      'telegram source telegram_channel:omsk_oper: not a channel page: neither .tgme_channel_history nor .tgme_channel_info found (page title "Доступ ограничен")',
    );
    expect(() => readChannelPage('', source)).toThrow('(empty body)');
  });

  it('the contact page tells a private channel (or group, user) from a name that does not exist', () => {
    expect(readChannelPage(fixture('channel-no-preview.html'), source)).toEqual({ kind: 'no_preview', title: 'Тарский район — чат жителей' });
    expect(readChannelPage(fixture('username-not-found.html'), source)).toEqual({ kind: 'not_found' });
  });

  it('a page of another channel is refused', () => {
    expect(() => parseChannelPage(fixture('channel-latest.html'), { ...source, channel: 'omsk_news' })).toThrow(
      'message omsk_oper/4801 belongs to another channel than "omsk_news"',
    );
    // Usernames are case-insensitive.
    expect(parseChannelPage(fixture('channel-latest.html'), { ...source, channel: 'Omsk_Oper' })).toHaveLength(9);
  });
});

describe('small parts', () => {
  it('parseViews', () => {
    expect([parseViews('987'), parseViews('1.2K'), parseViews('12.7K'), parseViews('9,8K'), parseViews('1.1M'), parseViews('')]).toEqual([987, 1200, 12_700, 9800, 1_100_000, undefined]);
    expect(parseViews('1.2.3K')).toBeUndefined();
  });

  it('the HTML reader survives broken markup', () => {
    const root = parseHtml('<div class="a"><p>Один<br>два &amp; три</span><div class="b" data-x=\'1\' =bad>четыре &unknown; &#x1F6A8;</div><!-- <div class="c"> -->');
    // As in a browser, the <div> closes the open <p>: two blocks, one blank line between them.
    expect(htmlText(root)).toBe('Один\nдва & три\n\nчетыре &unknown; 🚨');
    expect(find(root, byClass('b'))?.attrs['data-x']).toBe('1');
    expect(find(root, byClass('c'))).toBeUndefined();
    expect(htmlText(parseHtml('a < b <script>var s = "<div>";</script> c'))).toBe('a < b c');
    expect(htmlText(parseHtml('<div class="x"'))).toBe(''); // an unterminated tag ends the document
    expect(htmlText(parseHtml('<p title="a > b">один<svg><text>рисунок</text></svg><svg/>два</p>'))).toBe('одиндва');
    expect(find(parseHtml('<a class="u" href="https://t.me/x?a=1&amp;b=2">x</a>'), byClass('u'))?.attrs['href']).toBe('https://t.me/x?a=1&b=2');
    // Named entities beyond a short table are decoded (the entities package), `&amp;lt;` only once.
    expect(htmlText(parseHtml('<p>&laquo;Вода&raquo; &hearts; &amp;lt; &Ocirc;</p>'))).toBe('«Вода» ♥ &lt; Ô');
    // Nesting far beyond any real page neither overflows the stack nor loses the text.
    const deep = parseHtml(`${'<div>'.repeat(50_000)}глубоко${'</div>'.repeat(50_000)}`);
    expect(htmlText(deep)).toBe('глубоко');
  });

  it('normaliseChannel accepts what administrators paste', () => {
    expect(['omsk_oper', '@omsk_oper', 't.me/omsk_oper', 'https://t.me/s/omsk_oper', 'https://t.me/omsk_oper/4802?single'].map(normaliseChannel)).toEqual(
      Array(5).fill('omsk_oper'),
    );
    expect(normaliseChannel('https://t.me/+AbCdEf123')).toBeNull(); // private invite link
    expect(normaliseChannel('omsk oper')).toBeNull();
    expect(normaliseChannel('../../etc')).toBeNull();
  });

  it('the cursor is versioned JSON and refused with a reason when it is not', () => {
    expect(parseTelegramCursor(null)).toBeNull();
    expect(parseTelegramCursor('{"v":1,"newest":4812}')).toEqual({ v: 1, newest: 4812 });
    expect(parseTelegramCursor('{"v":1,"newest":50,"walk":{"top":95,"before":56}}')).toEqual({ v: 1, newest: 50, walk: { top: 95, before: 56 } });
    for (const bad of ['4812', '{"v":2,"newest":1}', '{"v":1,"newest":-1}', '{"v":1,"newest":50,"walk":{"top":95,"before":40}}', 'nope']) {
      const err = (() => {
        try {
          parseTelegramCursor(bad, 'telegram_channel:omsk_oper');
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(TelegramSourceError);
      expect((err as TelegramSourceError).kind).toBe('cursor');
      expect((err as Error).message).toMatch(/^telegram source telegram_channel:omsk_oper: invalid cursor/);
    }
  });
});
