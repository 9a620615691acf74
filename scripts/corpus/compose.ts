/**
 * Composes the labelled training corpus from the hand-written fragments (fragments-*.ts).
 *
 * Every fragment list is split by position: every fourth item goes to the test split only, and so
 * do their own openers, closers, places and registers. The test split is therefore written from
 * phrasings the model never saw in training, which is what "text it has never seen" looks like
 * for a template corpus. Deterministic: a seeded RNG, fixed output.
 *
 *   npx tsx scripts/corpus/compose.ts   → data/corpus/train.jsonl, data/corpus/test.jsonl
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ENERGY, HOUSING, WASTE } from './fragments-utilities';
import { EDUCATION, HEALTH, SOCIAL } from './fragments-social';
import { IMPROVEMENT, OTHER, ROADS, TRANSPORT } from './fragments-city';
import type { CorpusRecord, SectorFragments } from './types';
import { composeRegisters } from './compose-registers';
import type { Sector } from '../../src/domain/sector';

type Split = 'train' | 'test';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// Reseeded per split, so the test split does not depend on how much the train split drew.
let rand = rng(20261123);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const chance = (p: number) => rand() < p;

/**
 * Every fourth item is held out for the test split. A list of two or three items gives its last
 * one to the test split, so no phrasing is shared; only a single-item list is used by both.
 */
function part<T>(xs: readonly T[] | undefined, split: Split): T[] {
  // Tuning: the real test part is dropped and the train part is split again the same way.
  const all = TUNE ? split1(xs ?? [], 'train') : (xs ?? []);
  return split1(all, split);
}
function split1<T>(all: readonly T[], split: Split): T[] {
  if (all.length <= 1) return [...all];
  const held = (i: number) => i % 4 === 3 || (all.length < 4 && i === all.length - 1);
  return all.filter((_, i) => (split === 'test') === held(i));
}

/**
 * `--tune` writes a validation corpus to /tmp/dozor-tune/: made only from the train-side
 * fragments, split again by position, so hyperparameters are chosen on held-out phrasings
 * without ever looking at the real test split.
 */
const TUNE = process.argv.includes('--tune');

const SLOTS: Record<string, string[]> = {
  city: ['Омске', 'Таре', 'Исилькуле', 'Калачинске', 'Называевске', 'Тюкалинске', 'Любинском', 'Черлаке', 'Марьяновке', 'Таврическом', 'Полтавке', 'Муромцево'],
  district: ['Кировском округе', 'Ленинском округе', 'Советском округе', 'Октябрьском округе', 'Центральном округе', 'Омском районе', 'Тарском районе', 'Исилькульском районе', 'Азовском районе', 'Любинском районе', 'Кормиловском районе', 'Нововаршавском районе'],
  street: ['ул. Масленникова', 'Красном Пути', 'пр. Мира', 'ул. 10 лет Октября', 'ул. Лукашевича', 'Заозерной', 'ул. Ленина', 'пр. Королева', 'ул. Орджоникидзе', 'Нефтезаводской', 'ул. Дианова', 'бульваре Архитекторов', 'ул. Бархатовой', 'ул. Челюскинцев', 'пр. Маркса', 'ул. Химиков'],
  addr: ['ул. Масленникова, 70', 'пр. Мира, 30', 'ул. 10 лет Октября, 195', 'ул. Лукашевича, 14', 'ул. Дианова, 7', 'пр. Королева, 12', 'ул. Химиков, 47', 'ул. Ленина, 21', 'бульвар Архитекторов, 3'],
  n: ['2', '3', '5', '12', '15', '20', '40', '100', '150'],
  temp: ['14', '15', '16', '12', '13'],
  org: ['УК', 'администрация', 'регоператор', 'мэрия', 'Водоканал', 'Омскэнергосбыт'],
  clinic: ['поликлинике №4', 'поликлинике №10', 'ГБ №3', 'детской поликлинике №2', 'ЦРБ', 'больнице скорой помощи'],
  school: ['школе №115', 'школе №64', 'гимназии №19', 'лицее №66', 'школе №25', 'садике №301'],
  route: ['№ 60', '№ 109', '№ 21', '№ 45', '№ 73', '№ 130', '№ 3'],
  kg: ['садике №301', 'детском саду №45', 'садике «Березка»', 'яслях №12'],
};

function fill(s: string, frag: SectorFragments): string {
  return s.replace(/\{(\w+)\}/g, (_m, k: string) => (k === 'org' ? pick(frag.orgsNom) : pick(SLOTS[k] ?? [k])));
}

const OPENERS = ['', '', 'Здравствуйте!', 'Добрый день.', 'Люди добрые,', 'Доколе?!', 'Слушайте,', 'Обращаюсь к администрации:', 'Уважаемые власти,', 'Опять двадцать пять.', 'Ну вот опять', 'Сил больше нет.', 'Пишу уже третий раз.', 'Кто-нибудь может объяснить?', 'Добрый вечер, жители!', 'Я в шоке.'];
const DURATIONS = ['', '', 'уже неделю', 'третий день', 'с понедельника', 'второй месяц', 'с самого утра', 'уже полгода', 'который год', 'с прошлой пятницы'];
const PLACES = ['', '', 'на {street}', 'в {district}', 'в {city}', 'по адресу {addr}', 'у нас на {street}', 'в нашем доме на {street}'];
const DEMANDS = ['', '', 'Примите меры!', 'Куда смотрит {org}?', 'Просим разобраться.', 'Сколько можно это терпеть?', 'Требуем решить вопрос!', 'Когда это закончится?', 'Прошу помочь.', 'Разберитесь уже наконец.', 'Ответственные, ау!', 'Жалобы никто не слушает.'];
const CLOSERS = ['', '', '', '😡', '🤬', '#беспредел', '!!!', '((', 'Позор.', '#Омск', 'Спасибо за внимание.', 'Надеюсь на ответ.'];
const Q_OPENERS = ['Подскажите,', 'Вопрос:', 'Кто знает,', 'Скажите пожалуйста,', 'Люди, подскажите,', '', 'Добрый день! Подскажите,', 'Не подскажете,'];
const THANKS_OPENERS = ['Огромное спасибо', 'Спасибо', 'Хочу поблагодарить', 'Большое человеческое спасибо', 'Выражаю благодарность', 'Благодарим'];
const THANKS_CLOSERS = ['', '👍', '❤', 'Побольше бы так!', 'Можете, когда хотите)', 'Приятно удивлены.', '🙏'];
const NEWS_OPENERS = ['', '', 'Новости:', '⚡', 'Сообщают, что', 'По информации пресс-службы,', 'Как стало известно,', '#новости'];
const OFFICIAL_OPENERS = ['Здравствуйте!', 'Добрый день!', 'Уважаемый житель!', 'Здравствуйте, спасибо за обращение.', 'Уважаемая Ирина!'];
const OFFICIAL_CLOSERS = ['', 'Спасибо за обращение.', 'Приносим извинения за неудобства.', 'Вопрос на контроле.', 'Благодарим за информацию.'];

/** Rumours as the desk sees them: alarm, anonymous sources, calls to spread, "they are hiding it". */
const MISINFO: { sector: Sector; text: string }[] = [
  { sector: 'housing', text: 'СРОЧНО!!! В воде из крана в {city} нашли кишечную палочку, {n} человек уже в больнице, а власти молчат! Перешлите всем знакомым' },
  { sector: 'housing', text: 'Мне знакомая из Водоканала сказала, что воду с завтрашнего дня отключат на месяц по всему городу, запасайтесь!' },
  { sector: 'housing', text: 'Говорят, с января тарифы на отопление поднимут в три раза, это уже решено, просто пока скрывают' },
  { sector: 'housing', text: 'Внимание! По домам ходят лже-газовщики с поддельными удостоверениями, уже обокрали {n} квартир, в полиции об этом молчат' },
  { sector: 'health', text: 'Срочно распространите! В {clinic} вспышка кори, заражено уже {n} детей, главврач приказал никому не говорить' },
  { sector: 'health', text: 'Медсестра знакомая по секрету рассказала: в больницах города мест нет, людей кладут в коридорах, а в новостях об этом не скажут' },
  { sector: 'health', text: 'Надежный источник в минздраве: новую вакцину колют без испытаний, {n} человек умерли после прививки, власти скрывают' },
  { sector: 'health', text: 'ВНИМАНИЕ! В аптеках {city} продают поддельный парацетамол, от него уже {n} смертей, перешлите своим' },
  { sector: 'education', text: 'Срочно! Все школы {city} с понедельника закрывают на карантин на месяц, приказ уже подписан, но родителям пока не говорят' },
  { sector: 'education', text: 'Мне сказала учительница из {school}: в столовой детей кормили просрочкой, {n} детей отравились, директор всё скрывает' },
  { sector: 'education', text: 'Родители, передайте всем! В {school} нашли бомбу, эвакуировали, но официально ничего не сообщают' },
  { sector: 'transport', text: 'Инсайд из мэрии: с декабря проезд в автобусах подорожает до 80 рублей, а половину маршрутов отменят. Поделитесь, пусть все знают' },
  { sector: 'transport', text: 'Говорят, маршрут {route} закрывают навсегда, водителей уже уволили, а людям ничего не объясняют' },
  { sector: 'energy', text: 'СРОЧНО! Завтра во всем {city} отключат свет на трое суток, на подстанции авария, власти скрывают масштаб. Репост!' },
  { sector: 'energy', text: 'Кум работает в Омскэнергосбыте, сказал, что с нового года счета за свет вырастут вдвое, запасайтесь свечами' },
  { sector: 'waste', text: 'Знакомый водитель мусоровоза рассказал: весь мусор с сортировки просто вываливают в реку, экологи молчат, распространите' },
  { sector: 'waste', text: 'На полигоне под {city} горят отходы, дым ядовитый, {n} человек уже отравились, а в новостях тишина' },
  { sector: 'social', text: 'Внимание пенсионерам! С февраля отменяют все льготы на проезд и лекарства, это уже решено наверху. Передайте родителям' },
  { sector: 'social', text: 'По секрету из соцзащиты: детские пособия перестанут платить с марта, денег в бюджете нет, срочно оформляйте всё что можно' },
  { sector: 'roads', text: 'Мост через Иртыш дал трещину и может рухнуть в любой момент, власти скрывают, не ездите по нему! Репост' },
  { sector: 'roads', text: 'Источник в ГИБДД: с понедельника в городе поставят 500 новых камер и будут штрафовать за всё подряд, поделитесь с водителями' },
  { sector: 'improvement', text: 'В парке {district} нашли отравленные приманки, погибло уже {n} собак, администрация знает и молчит, перешлите собачникам' },
  { sector: 'other', text: 'Срочно! В город ввозят зараженное мясо, в магазинах уже продают, {n} человек в реанимации, СМИ молчат' },
  { sector: 'other', text: 'Мне написал знакомый из полиции: в выходные в центре будут теракты, не выходите из дома, распространите' },
  { sector: 'other', text: 'Это не случайно! Вышки 5G на крышах облучают людей, от этого все болеют, а власти специально ставят их у школ' },
  { sector: 'health', text: 'Скорые не приезжают, потому что всех врачей отправили на фронт, нам сказали по секрету, делайте репост' },
  { sector: 'housing', text: 'Жильцы, внимание! УК собирается поднять плату за содержание в два раза, документы уже подписаны тайно, расскажите всем соседям' },
  { sector: 'energy', text: 'Газ в домах {district} будут отключать каждую ночь для экономии, так сказал знакомый из Омскгоргаза, готовьтесь' },
];

function noisy(s: string, level: number): string {
  let out = s;
  if (chance(0.08 * level)) out = out.toUpperCase();
  if (chance(0.25 * level)) out = out.replace(/[.,]/g, (m) => (chance(0.6) ? '' : m));
  if (chance(0.2 * level)) out = out.toLowerCase();
  if (chance(0.25 * level)) {
    // One or two typos: a dropped or doubled letter, a swapped pair.
    const chars = [...out];
    for (let t = 0; t < 2; t++) {
      const i = 1 + Math.floor(rand() * Math.max(1, chars.length - 2));
      const kind = rand();
      if (kind < 0.33) chars.splice(i, 1);
      else if (kind < 0.66) chars.splice(i, 0, chars[i] ?? '');
      else [chars[i], chars[i + 1]] = [chars[i + 1] ?? '', chars[i] ?? ''];
    }
    out = chars.join('');
  }
  if (chance(0.1 * level)) out = out.replace(/о/g, (m) => (chance(0.3) ? 'ооо' : m));
  return out;
}

const join = (...xs: string[]) => xs.map((x) => x.trim()).filter(Boolean).join(' ').replace(/\s+([,.!?])/g, '$1');
const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const NETWORKS = ['vk', 'vk', 'vk', 'telegram', 'ok', 'max', 'news', 'dzen', 'feedback'];

function compose(split: Split): CorpusRecord[] {
  rand = rng(split === 'train' ? 20261123 : 20261124);
  const out: CorpusRecord[] = [];
  const sectors = [HOUSING, WASTE, ENERGY, EDUCATION, HEALTH, SOCIAL, ROADS, TRANSPORT, IMPROVEMENT, OTHER];
  const reps = split === 'train' ? 5 : 2;
  const push = (r: Omit<CorpusRecord, 'id' | 'network'>) => out.push({ ...r, id: `${split}-${out.length + 1}`, network: pick(NETWORKS) });
  const o = (xs: string[]) => part(xs, split);

  for (const frag of sectors) {
    for (const cat of frag.categories) {
      for (const raw of o(cat.complaints)) {
        const urgent = raw.startsWith('!');
        const clause = raw.replace(/^!/, '');
        for (let r = 0; r < reps; r++) {
          const text = join(pick(o(OPENERS)), cap(fill(join(pick(o(PLACES)), clause, pick(o(DURATIONS))), frag)) + '.', fill(pick(o(DEMANDS)), frag), pick(o(CLOSERS)));
          push({ text: noisy(text, 1), sector: frag.sector, category: cat.code, complaint: true, misinformation: false, tone: 'negative', urgent, register: 'complaint' });
        }
      }
      for (const g of o(cat.gen)) {
        for (let r = 0; r < Math.ceil(reps / 2); r++) {
          const frame = pick(o(['Жалоба по поводу {gen}, {place}.', 'Проблема {gen} {place} так и не решена.', 'Обращаюсь из-за {gen} {place}, {demand}', 'Снова вопрос {gen} {place}. {demand}']));
          const text = frame.replace('{gen}', g).replace('{place}', fill(pick(o(PLACES)), frag)).replace('{demand}', fill(pick(o(DEMANDS)), frag));
          push({ text: noisy(text, 1), sector: frag.sector, category: cat.code, complaint: true, misinformation: false, tone: 'negative', urgent: false, register: 'complaint' });
        }
      }
      for (const q of o(cat.questions)) {
        for (let r = 0; r < Math.ceil(reps / 2); r++) {
          push({ text: noisy(join(pick(o(Q_OPENERS)), fill(q, frag)) + '?', 0.5), sector: frag.sector, category: cat.code, complaint: false, misinformation: false, tone: 'neutral', urgent: false, register: 'question' });
        }
      }
      for (const n of o(cat.news)) {
        for (let r = 0; r < Math.ceil(reps / 2); r++) {
          push({ text: join(pick(o(NEWS_OPENERS)), cap(fill(n, frag))) + '.', sector: frag.sector, category: cat.code, complaint: false, misinformation: false, tone: 'neutral', urgent: false, register: 'news' });
        }
      }
      for (const t of o(cat.thanks)) {
        push({ text: noisy(join(pick(o(THANKS_OPENERS)), fill(t, frag) + '!', pick(o(THANKS_CLOSERS))), 0.5), sector: frag.sector, category: cat.code, complaint: false, misinformation: false, tone: 'positive', urgent: false, register: 'thanks' });
      }
      for (const f of o(cat.official ?? [])) {
        push({ text: join(pick(o(OFFICIAL_OPENERS)), cap(fill(f, frag)) + '.', pick(o(OFFICIAL_CLOSERS))), sector: frag.sector, category: cat.code, complaint: false, misinformation: false, tone: 'neutral', urgent: false, register: 'official' });
      }
    }
    for (const c of o(frag.chatter)) {
      for (let r = 0; r < Math.ceil(reps / 2); r++) {
        push({ text: noisy(cap(fill(c, frag)), 0.7), sector: frag.sector, category: 'chatter', complaint: false, misinformation: false, tone: 'neutral', urgent: false, register: 'chatter' });
      }
    }
  }
  const byName: Record<string, SectorFragments> = Object.fromEntries(sectors.map((s) => [s.sector, s]));
  for (const m of part(MISINFO, split)) {
    for (let r = 0; r < reps * 3; r++) {
      push({ text: noisy(fill(m.text, byName[m.sector] as SectorFragments), 0.6), sector: m.sector, category: 'rumour', complaint: false, misinformation: true, tone: 'negative', urgent: false, register: 'rumour' });
    }
  }
  composeRegisters(split, sectors, { rand: () => rand(), part, noisy }, push);
  // Posts with no text (photo or video only) and pure emoji.
  for (const t of ['', '📷', '👍👍👍', '🔥🔥', '...']) push({ text: t, sector: 'other', category: 'empty', complaint: false, misinformation: false, tone: 'neutral', urgent: false, register: 'media' });
  return out;
}

const dir = TUNE ? new URL('file:///tmp/dozor-tune/') : new URL('../../data/corpus/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const split of ['train', 'test'] as const) {
  const recs = compose(split);
  // Remove exact duplicates (a short fragment with empty slots can repeat).
  const seen = new Set<string>();
  const unique = recs.filter((r) => !seen.has(r.text) && seen.add(r.text));
  writeFileSync(new URL(`${split}.jsonl`, dir), unique.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const bySector: Record<string, number> = {};
  for (const r of unique) bySector[r.sector] = (bySector[r.sector] ?? 0) + 1;
  process.stdout.write(`${split}: ${unique.length} posts, complaints ${unique.filter((r) => r.complaint).length}, misinformation ${unique.filter((r) => r.misinformation).length}, by sector ${JSON.stringify(bySector)}\n`);
}
