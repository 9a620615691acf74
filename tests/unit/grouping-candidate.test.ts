/**
 * What grouping reads of a post (src/pipeline/pipeline.service.ts): a house with a block or a
 * fraction is one number, and which posts that open no incident may follow one up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type TextClassifier } from '../../src/classifier/classifier';
import type { IncomingPost } from '../../src/domain/post';
import { enrichPost } from '../../src/pipeline/enrich';
import { canFollowUp, groupCandidate, houseNumbers } from '../../src/pipeline/pipeline.service';
import { createGazetteer, loadRegion } from '../../src/services/gazetteer.service';
import { analyze } from '../../src/text/analyze';
import { featureHashes } from '../../src/text/similarity';

let classifier: TextClassifier;
const gazetteer = createGazetteer(loadRegion('omsk'));
const now = new Date('2026-12-07T10:00:00Z');
const enriched = (text: string, over: Partial<IncomingPost> = {}) =>
  enrichPost({ network: 'vk', externalId: '1', kind: 'post', url: 'https://vk.com/wall-1_1', text, publishedAt: now.toISOString(), author: { id: '1', name: 'Имя' }, sourceId: 'vk:wall-1', municipality: 'omsk', ...over }, { analyze, classifier, gazetteer }, now);
const candidate = (text: string, over: Partial<IncomingPost> = {}) => {
  const post = enriched(text, over);
  return { post, c: groupCandidate(post, `inc:${post.id}`) };
};

beforeAll(async () => {
  classifier = await loadClassifier();
});

describe('houseNumbers', () => {
  it('keeps plain numbers, and makes a house with a block or a fraction one number', () => {
    expect(houseNumbers(['#9', '#40'], '9')).toEqual(['#9', '#40']);
    // «9 к4» and «9/4»: one notation of one building.
    expect(houseNumbers(['#9', '#4'], '9 к4')).toEqual(['#9/4']);
    expect(houseNumbers(['#9', '#4'], '9/4')).toEqual(['#9/4']);
    expect(houseNumbers(['#9', '#2', '#18'], '9/2')).toEqual(['#18', '#9/2']);
    expect(houseNumbers(['#3', '#1', '#2'], '3/1 к2')).toEqual(['#3/1/2']);
    expect(houseNumbers(['#5'], undefined)).toEqual(['#5']);
    // A fraction or a block the place resolver did not take as the house, read from the text.
    expect(houseNumbers(['#9', '#4'], undefined, '9/4 по Кирова лифт так и стоит')).toEqual(['#9/4']);
    expect(houseNumbers(['#9', '#4'], '9 к4', 'Кирова д.9 к.4 — лифт')).toEqual(['#9/4']);
    expect(houseNumbers(['#9', '#4'], undefined, 'Кирова д.9 к.4 — лифт')).toEqual(['#9/4']);
    // A date is no building.
    expect(houseNumbers(['#12', '#3'], undefined, 'с 12.03 нет воды')).toEqual(['#12', '#3']);
    expect(houseNumbers(['#10', '#11'], undefined, 'дом 10, обещали к 11 часам')).toEqual(['#10', '#11']);
  });

  it('two buildings of one street number share no number, so grouping keeps them apart', () => {
    const a = candidate('Завертяева 9 корпус 4 — лифт не работает').c;
    const b = candidate('Завертяева 9/2 лифт не работает с пятницы').c;
    expect(a.numbers).toEqual(featureHashes(['#9/4']));
    expect(a.numbers.some((n) => b.numbers.includes(n))).toBe(false);
  });

  it('a block written as «корп.» and as a fraction is one building; an entrance number is no house', () => {
    const a = candidate('Двор на Дианова, д. 9 корп. 4 — мусор не вывозили неделю').c;
    const b = candidate('Дианова 9/4 помойка опять до небес').c;
    expect(a.numbers).toEqual(b.numbers);
    const c = candidate('Взлетная 7 подъезд 2 — лампочки так и не вкрутили').c;
    const d = candidate('Взлётная, 7, второй подъезд: неделю не горит свет на лестнице').c;
    expect(c.numbers).toEqual(d.numbers);
    expect(c.aspects).toEqual(['entrance:2']);
    expect(d.aspects).toEqual(['entrance:2']);
  });
});

describe('canFollowUp', () => {
  it('a post naming a problem, not worded as thanks, an announcement or a page reply, may follow an incident up', () => {
    const yes = candidate('у нас на Ленина 12 тоже нет воды');
    expect(canFollowUp(yes.post, yes.c)).toBe(true);
    // Residents address officials too: «Уважаемая администрация» is no official reply.
    const addressed = candidate('Уважаемая администрация Калачинского района, почему в городе с обеда нет света?');
    expect(canFollowUp(addressed.post, addressed.c)).toBe(true);
    for (const text of ['Спасибо, на Жукова 61 дали горячую воду', 'Плановое отключение света на Степанца 10 завтра с 9 до 17', 'Как сообщает пресс-служба, воды на Ленина не будет до вечера']) {
      const no = candidate(text);
      expect(no.c.problems.length).toBeGreaterThan(0);
      expect(canFollowUp(no.post, no.c), text).toBe(false);
    }
    // Naming no problem and saying nothing is wrong: nothing to follow up.
    const none = candidate('Кто-нибудь знает, во сколько открывается МФЦ?');
    expect(canFollowUp(none.post, none.c)).toBe(false);
    // Saying something is wrong without a problem word the features know: a follow-up may still be one.
    for (const text of ['паром в усть ишиме так и стоит, когда запустят?', 'восьмёрка трамвай не ходит весь день? что случилось']) {
      const wrong = candidate(text);
      expect(wrong.c.problems).toEqual([]);
      expect(canFollowUp(wrong.post, wrong.c), text).toBe(true);
    }
    // The watched page's own comment is its answer, not a resident's follow-up.
    const reply = candidate('На Ленина 12 нет воды из-за аварии, бригада работает', { kind: 'comment', fromPage: true });
    expect(canFollowUp(reply.post, reply.c)).toBe(false);
  });
});

describe('fifteenth-iteration readings (held-out-12)', () => {
  it('a range of houses holds every house in it; «9-к2» is a block', () => {
    expect(houseNumbers(['#20', '#30'], undefined, 'дома с 20 по 30 без воды')).toEqual(expect.arrayContaining(['#20', '#25', '#30']));
    expect(houseNumbers(['#182', '#196'], undefined, 'подача тепла в жилые дома №№ 182–196')).toContain('#190');
    // Not hours, and not a span too wide to be houses.
    expect(houseNumbers(['#10', '#16'], undefined, 'света не будет с 10 до 16')).toEqual(['#10', '#16']);
    expect(houseNumbers(['#9', '#2'], undefined, 'лифт так и не запустили, 9-к2')).toEqual(['#9/2']);
  });

  it('numbers of a street\'s name name no house; every street of a notice counts', () => {
    const { c } = candidate('70 лет Октября 19/1 — батареи чуть тёплые, ребёнок болеет');
    const { c: other } = candidate('на 70 лет Октября 25 отопление вообще не дали до сих пор');
    // 19/1 and 25, no shared 70: two houses.
    expect(c.numbers.some((n) => other.numbers.includes(n))).toBe(false);
    const { c: notice } = candidate('Омскводоканал: в связи с аварией с 10:00 будет прекращена подача холодной воды в дома по ул. 22 Апреля, Заозёрной, Волкова.');
    expect(notice.streets).toEqual(['улица 22 апреля', 'улица заозерная']);
    const { c: resident } = candidate('заозерная 11 воды нет, что опять случилось?');
    expect(resident.streets).toEqual(['улица заозерная']);
    expect(notice.numbers).not.toContain(featureHashes(['#22'])[0]);
  });

  it('a known street and a guessed one are compared by their names\' stems', () => {
    const { c: known } = candidate('2-я солнечная 45 — на детской площадке по вечерам пьют');
    const { c: guessed } = candidate('3-я Солнечная 45: компания до ночи сидит на детской площадке');
    expect(known.streetKeys).toEqual(['2 солнечн']);
    expect(guessed.streetKeys).toEqual(['3 солнечн']);
    // A street named as a district is («Московка») is no street key.
    expect(candidate('Московка без холодной воды с ночи').c.streetKeys).toEqual([]);
  });
});

describe('seventeenth-iteration readings (held-out-14)', () => {
  it('a house letter in quotes is the house\'s, where no street was read', () => {
    expect(houseNumbers(['#4'], undefined, 'На Туполева, дом 4 «А», во втором подъезде темно')).toEqual(['#4а']);
    expect(houseNumbers(['#4'], undefined, 'Туполева 4, «Атлант» рядом')).toEqual(['#4']);
  });
});

describe('eighteenth-iteration readings (held-out-15)', () => {
  const disjoint = (x: readonly unknown[], y: readonly unknown[]) => x.length > 0 && y.length > 0 && !x.some((v) => y.includes(v));

  it('two villages of one district are two places; the district\'s adjective and a street named like a village are not villages', () => {
    const a = candidate('Екатерининское, Тарский район — дорогу к ферме размыло, на машине не проехать', { municipality: 'tara' });
    const b = candidate('Заливино (Тарский р-н): после дождей дорогу размыло, на легковой не проехать', { municipality: 'tara' });
    expect(a.post.classification.place?.settlements).toEqual(['екатерининское']);
    expect(b.post.classification.place?.settlements).toEqual(['заливино']);
    expect(disjoint(a.c.districts, b.c.districts)).toBe(true);
    const centre = candidate('Москаленки — в детском саду «Солнышко» нет воды', { municipality: 'moskalenki' });
    const village = candidate('Шевченко (Москаленский р-н) — в детском саду нет воды второй день', { municipality: 'moskalenki' });
    expect(village.post.classification.place?.settlements).toEqual(['шевченко']);
    expect(disjoint(centre.c.districts, village.c.districts)).toBe(true);
    // «в связи с размывом»: «с» without a full stop is a preposition; «ул. Калинина» a street; «везём из Омска» no village.
    expect(candidate('Муромцевский район: в связи с размывом полотна движение прекращено', { municipality: 'muromtsevo' }).post.classification.place?.settlements).toBeUndefined();
    expect(candidate('светофор на пересечении ул. Советская и ул. Калинина не работает', { municipality: 'kalachinsk' }).post.classification.place?.settlements).toBeUndefined();
    expect(candidate('в Марьяновской ЦРБ нет педиатра, детей везём в Омск', { municipality: 'maryanovka' }).post.classification.place?.settlements).toBeUndefined();
    // «яма» is not the village Яман; «в Таре» is Тара.
    expect(candidate('у вокзала яма размером с ванну', { municipality: 'nazyvaevsk' }).post.classification.place?.settlements).toBeUndefined();
    expect(candidate('третья школа в Таре — физра на улице', { municipality: 'tara' }).post.classification.place?.settlements).toEqual(['тара']);
  });

  it('a surname before a house number names a street the list lacks; a count after it is no house', () => {
    expect(candidate('Серафимовича 16 — люк открыт во дворе').post.classification.place?.address).toMatchObject({ street: 'улица Серафимовича', house: '16', known: false });
    expect(candidate('Петрова 5 лет как обещают сделать дорогу').post.classification.place?.address?.street).not.toBe('улица Петрова');
  });

  it('«корп. А» is the house\'s letter; a block at a sentence\'s end is read; a house named alone beside its block stays', () => {
    expect(candidate('ватутина д.24 корп.А — когда вставите стекло на лестнице??').c.numbers).toEqual(candidate('в подъезде Ватутина 24а выбито окно').c.numbers);
    expect(houseNumbers(['#10', '#12', '#14', '#1'], '10', 'по адресам: ул. Дианова, 10, 12, 14/1.')).toContain('#14/1');
    expect(houseNumbers(['#10', '#12', '#14', '#1'], '10', 'по ул. Лукашевича, д. 10, 12, 14, 14/1. Ориентировочное время')).toEqual(expect.arrayContaining(['#14', '#14/1']));
    expect(houseNumbers(['#10', '#1'], '10 к1', 'степанца 10 корп 1 — мусоропровод забит')).toEqual(['#10/1']);
  });

  it('houses in a range after a typed street and between two houses; a school class is no house', () => {
    expect(houseNumbers(['#80', '#104'], '80', 'в дома по ул. Рабиновича, 80–104, в связи с переключением')).toContain('#86');
    expect(houseNumbers(['#8', '#12'], undefined, 'срезали кабель освещения между 8 и 12 домами')).toContain('#10');
    expect(candidate('собаки покусали мальчика из 3 класса у школы на Нефтезаводской').c.numbers).toEqual([]);
  });

  it('which water is off: «горячая кстати есть» is on; «горячей течёт ржавая» is a complaint about the hot', () => {
    expect(candidate('Багратиона 19 - холодной воды нет вообще, краны сухие, горячая кстати есть').c.aspects).not.toContain('temp:hot');
    expect(candidate('Фрунзе 80 — из крана горячей течёт ржавая и еле тёплая').c.aspects).toContain('temp:hot');
  });

  it('a flat to let is an advertisement; a cause names its consequence (a torn roof, a burst main: a leak)', () => {
    expect(candidate('Сдаётся 1-комн. квартира, ул. Кирова, 43, 5 этаж, лифт, парковка. Без посредников.').c.aspects).toContain('report:ad');
    const roof = candidate('пр. Менделеева 21 — крыша дырявая, рубероид ветром сорвало').c;
    const leak = candidate('топит последний этаж на Менделеева 21, с потолка течёт').c;
    expect(disjoint(roof.problems, leak.problems)).toBe(false);
  });

  it('a preposition is no news register: «… по ул. Конева …» may still follow up; an emergency notice may too, planned work may not', () => {
    const notice = enriched('Уважаемые потребители! В связи с повреждением на тепловой сети по ул. Конева временно ограничено теплоснабжение жилых домов №№ 20, 22, 24.');
    expect(canFollowUp(notice, groupCandidate(notice, 'inc:1'))).toBe(true);
    const planned = enriched('Уважаемые потребители! В связи с плановыми работами на тепловой сети по ул. Конева будет ограничено теплоснабжение домов №№ 20, 22, 24.');
    expect(canFollowUp(planned, groupCandidate(planned, 'inc:2'))).toBe(false);
  });
});

describe('nineteenth-iteration readings (held-out-16)', () => {
  it('a letter apart before a word may be the house\'s: both readings stand', () => {
    const terse = candidate('на Мира 30 а до сих пор нет').c.numbers;
    expect(terse.some((n) => candidate('Пр. Мира 30А — горячей воды нет вторые сутки').c.numbers.includes(n))).toBe(true);
    expect(terse.some((n) => candidate('Мира 30 — горячей воды нет').c.numbers.includes(n))).toBe(true);
  });

  it('a range after a typed street with an abbreviated name; a notice listing streets a town\'s list lacks', () => {
    expect(houseNumbers(['#182', '#196'], '182', 'по адресам: ул. Б. Хмельницкого, 182–196 (чётные)')).toContain('#190');
    const notice = candidate('Шербакульский РЭС: нет электроснабжения р.п. Шербакуль по улицам Советская, Кооперативная, Пушкина.', { municipality: 'sherbakul' });
    expect(notice.post.classification.place?.listed).toEqual(['советская', 'кооперативная', 'пушкина']);
    const resident = candidate('Шербакуль, ул. Советская — опять нет света', { municipality: 'sherbakul' }).c;
    expect(resident.streetKeys.some((k) => notice.c.streetKeys.includes(k))).toBe(true);
  });

  it('«Красных Зорь 30» is a street of its own, not «Красный Путь 30»', () => {
    const a = candidate('Красный Путь 30 — у подъезда открытый колодец').c;
    const b = candidate('Красных Зорь 30, колодец без крышки во дворе').c;
    expect(b.streetKeys.length).toBeGreaterThan(0);
    expect(b.streetKeys.some((k) => a.streetKeys.includes(k))).toBe(false);
  });

  it('icicles over two entrances are two problems; a stretch-ceiling offer is an advertisement', () => {
    expect(candidate('Степанца 10, подъезд 1: над входом сосульки метровые').c.aspects).toContain('entrance:1');
    expect(candidate('Степанца 10 подъезд 6 — наледь на козырьке').c.aspects).toContain('entrance:6');
    expect(candidate('Натяжные потолки за 1 день! Замер бесплатно. Наш офис: пр. Мира 163. Звоните!').c.aspects).toContain('report:ad');
  });

  it('overflowing bins and garbage not collected are one kind of problem', () => {
    const bins = candidate('Горьковское, Лесная: баки переполнены, собаки пакеты растащили', { municipality: 'gorkovskoe' }).c;
    const collect = candidate('р.п. Горьковское — третий день не вывозят мусор на Лесной', { municipality: 'gorkovskoe' }).c;
    expect(bins.problems.some((p) => collect.problems.includes(p))).toBe(true);
  });
});

describe('twentieth-iteration readings', () => {
  it('a street in the genitive after its type, and a bare adjective after «на» in a district town, name a street', () => {
    const pressure = candidate('Черлак, ул. Победы — что с водой? Напора нет вообще', { municipality: 'cherlak' }).c;
    const outage = candidate('На ул. Победы в Черлаке вторые сутки нет воды', { municipality: 'cherlak' }).c;
    expect(pressure.streetKeys.length).toBeGreaterThan(0);
    expect(pressure.streetKeys).toEqual(outage.streetKeys);
    const full = candidate('Муромцево, ул. Лесная — мусор не вывозят две недели', { municipality: 'muromtsevo' }).c;
    const terse = candidate('ну что, вывезли на Лесной? у нас возле 12 дома всё так же лежит', { municipality: 'muromtsevo' }).c;
    expect(terse.streetKeys).toEqual(full.streetKeys);
    // Not a noun with an adjective's ending, not an adjective before its noun, not in the city (its list has its streets).
    expect(candidate('В Усть-Ишиме из-за аварии на котельной без тепла остались дома', { municipality: 'ust-ishim' }).c.streetKeys).toEqual([]);
    expect(candidate('дети идут по проезжей части, тротуар не чистят', { municipality: 'tara' }).c.streetKeys).toEqual([]);
    expect(candidate('за гаражами на барнаульской опять свалку устроили').c.streetKeys).toEqual([]);
  });

  it('working radiators name no heating problem; a house to let is an advertisement; «горячая-то как раз есть» is the water still on', () => {
    expect(candidate('Дианова 16: горячей воды нет с утра, батареи при этом нормальные, горячие').c.problems).not.toContain(featureHashes(['~heating'])[0]);
    expect(candidate('Дианова 16: батареи холодные второй день').c.problems).toContain(featureHashes(['~heating'])[0]);
    expect(candidate('Сдам дом в Черлаке, ул. Победы, вода в доме, своя скважина, баня', { municipality: 'cherlak' }).c.aspects).toContain('report:ad');
    expect(candidate('Мира 25, второй день нет ХОЛОДНОЙ воды, горячая-то как раз есть').c.aspects).not.toContain('temp:hot');
  });
});

describe('twenty-first-iteration readings', () => {
  it('two crossings of one street are two places; a sale or a let of a home is an advertisement', () => {
    const lermontova = candidate('светофор на Карла Маркса у Лермонтова не работает').c;
    const maslennikova = candidate('на К.Маркса–Масленникова светофор не горит, чуть не сбили').c;
    const cross = (c: typeof lermontova) => c.aspects.filter((a) => a.startsWith('cross:'));
    expect(cross(lermontova)).toHaveLength(1);
    expect(cross(maslennikova)).toHaveLength(1);
    expect(cross(lermontova)).not.toEqual(cross(maslennikova));
    expect(candidate('Продам дом в р.п. Полтавка, ул. Комсомольская, газ, вода в доме', { municipality: 'poltavka' }).c.aspects).toContain('report:ad');
    expect(candidate('Сдам 1-к квартиру пр. Комарова 21, 7 этаж, лифт, мебель').c.aspects).toContain('report:ad');
  });

  it('water a blocked sewer backs up is no supply problem; icicles are a problem of their own, and ice', () => {
    const water = featureHashes(['~water'])[0];
    expect(candidate('Туполева 4 канализация забита, вода в ванне не уходит').c.problems).not.toContain(water);
    expect(candidate('Туполева 4 нет воды и канализация забита').c.problems).toContain(water);
    const icicles = candidate('Ленина 14 огромные сосульки над тротуаром').c.problems;
    expect(icicles).toContain(featureHashes(['~icicle'])[0]);
    expect(icicles).toContain(featureHashes(['~ice'])[0]);
    expect(candidate('Ленина 14, квартира на последнем этаже — течет с потолка').c.aspects).toContain('where:roof');
  });
});

describe('twenty-second-iteration readings', () => {
  it('a traffic jam is a problem of its own, not the pothole on the same bridge; blown fuses are the power', () => {
    const jam = featureHashes(['~jam'])[0];
    expect(candidate('На Ленинградском мосту с утра пробка от Левого берега до Герцена').c.problems).toContain(jam);
    expect(candidate('И на съезде с Ленинградского моста на Левый берег яма').c.problems).not.toContain(jam);
    const fuses = candidate('Волгоградская 24, опять выбило пробки во всём подъезде').c.problems;
    expect(fuses).not.toContain(jam);
    expect(fuses).toContain(featureHashes(['~power'])[0]);
  });

  it('another fire or crash told «снова» / «опять» is a new event; an outage told «опять» is not', () => {
    expect(candidate('Снова пожар на Заозёрной 13 — на этот раз горел балкон на 2 этаже').c.aspects).toContain('report:repeat');
    expect(candidate('Заозёрная 13 опять нет воды').c.aspects).not.toContain('report:repeat');
    expect(candidate('во дворе ночью подожгли мусорные баки, мусор теперь некуда кидать').c.aspects).not.toContain('report:repeat');
  });

  it('a doctor missing and a barrier broken are problems of their own; a children’s clinic is not the adults’ one', () => {
    expect(candidate('Тевриз, в больнице на Советской нет педиатра', { municipality: 'tevriz' }).c.problems).toContain(featureHashes(['~doctor'])[0]);
    expect(candidate('во дворе Лизы Чайкиной 4 сломан шлагбаум').c.problems).toContain(featureHashes(['~barrier'])[0]);
    expect(candidate('Детская поликлиника №4 — к педиатру не записаться').c.aspects).toContain('site:kids-clinic');
    expect(candidate('В поликлинике №4 запись к терапевту через три недели').c.aspects).toContain('site:clinic');
  });

  it('radiators «норм» work; «нормально не греют» is the complaint', () => {
    const heating = featureHashes(['~heating'])[0];
    expect(candidate('конева 14, горячей воды нет с утра, батареи норм кстати').c.problems).not.toContain(heating);
    expect(candidate('конева 14, батареи нормально не греют').c.problems).toContain(heating);
  });

  it('a numbered street of a district is a street when it is the post’s one address', () => {
    const a = candidate('19-я Амурская 8 — воды нет второй день').c;
    const b = candidate('9-я Амурская 8, нет воды с утра').c;
    expect(a.streetKeys.length).toBe(1);
    expect(a.streetKeys).not.toEqual(b.streetKeys);
    expect(candidate('ЕДДС: без электроснабжения дома в Ближних Амурах (ул. 16-я, 17-я, 18-я Амурская)').c.streetKeys).toEqual([]);
  });
});

describe('twenty-third-iteration readings', () => {
  it('«5й подъезд» is entrance 5; a month named alone dates a post, not «70 лет Октября» nor «с марта»', () => {
    expect(candidate('комарова 7 5й подъезд лифт стоит третий день').c.aspects).toContain('entrance:5');
    expect(candidate('Марьяновка, март: снова не вывезли мусор на Победы', { municipality: 'maryanovka' }).c.aspects).toContain('month:3');
    expect(candidate('70 лет Октября 13 — холодной нет').c.aspects.filter((a) => a.startsWith('month:'))).toEqual([]);
    expect(candidate('с марта не вывозят мусор на Победы').c.aspects.filter((a) => a.startsWith('month:'))).toEqual([]);
  });

  it('a sink that does not drain is the sewer; a dentist is a doctor and insulin a medicine; junk removal is an offer', () => {
    expect(candidate('Куйбышева 36 — в раковине стоит вода, не уходит').c.problems).toContain(featureHashes(['~sewage'])[0]);
    expect(candidate('Знаменское, в ЦРБ нет стоматолога', { municipality: 'znamenskoe' }).c.problems).toContain(featureHashes(['~doctor'])[0]);
    expect(candidate('Знаменское, в аптеке нет инсулина', { municipality: 'znamenskoe' }).c.problems).toContain(featureHashes(['~medicine'])[0]);
    expect(candidate('Черлак! Вывоз мусора, старой мебели. Газель, грузчики.', { municipality: 'cherlak' }).c.aspects).toContain('report:ad');
  });

  it('a tree on the wires cuts the power; «Берёзовая» is no birch; a lane is not the street of its name', () => {
    const birch = candidate('Нижняя Омка, на Советской упала берёза на провода', { municipality: 'nizhnyaya-omka' }).c.problems;
    expect(birch).toContain(featureHashes(['~tree'])[0]);
    expect(birch).toContain(featureHashes(['~power'])[0]);
    expect(candidate('больница на Берёзовой 3, лифт сломан').c.problems).not.toContain(featureHashes(['~tree'])[0]);
    const street = candidate('Шербакуль, ул. Кирова, трубу прорвало', { municipality: 'sherbakul' }).c.streetKeys;
    const lane = candidate('Шербакуль, переулок Кирова — колонка сломана', { municipality: 'sherbakul' }).c.streetKeys;
    expect(street).toEqual(['киров']);
    expect(lane.some((k) => street.includes(k))).toBe(false);
  });
});

describe('twenty-fourth-iteration readings', () => {
  it('rats and mould are problems of their own; a pothole in the yard is not the one on the roadway', () => {
    const rats = candidate('Лизы Чайкиной 5 — в подъезде крысы, травить никто не приходит').c.problems;
    const mould = candidate('Лизы Чайкиной 5 — по стенам в подъезде плесень, сырость').c.problems;
    expect(rats).toContain(featureHashes(['~rodents'])[0]);
    expect(mould).toContain(featureHashes(['~mould'])[0]);
    expect(candidate('во дворе на Мира 30 яма размером с ванну у подъездов').c.aspects).toContain('where:yard');
    expect(candidate('на проспекте Мира напротив 30 дома яма на проезжей части').c.aspects).toContain('where:ground');
  });
});
