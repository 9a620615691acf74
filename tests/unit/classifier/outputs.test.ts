import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type TextClassifier } from '../../../src/classifier/classifier';
import { featureNames, extractFeatures } from '../../../src/classifier/features';
import { extractOrganisations } from '../../../src/classifier/organisations';
import { createPlaceResolver } from '../../../src/classifier/place';
import { loadTaxonomy } from '../../../src/classifier/taxonomy';
import { urgencyCues } from '../../../src/classifier/urgency';
import { SECTORS } from '../../../src/domain/sector';
import { categoryCodes, MIN_CATEGORIES_PER_SECTOR, otherCategory, parseTaxonomy, resolveCategory } from '../../../src/domain/taxonomy';
import { createGazetteer, loadRegion } from '../../../src/services/gazetteer.service';
import { analyze, normalize } from '../../../src/text/analyze';

let clf: TextClassifier;
beforeAll(async () => {
  clf = await loadClassifier();
});

describe('taxonomy (config/taxonomy.json)', () => {
  const t = loadTaxonomy();

  it('has at least three categories plus «прочие по направлению» in every sector, with Russian titles', () => {
    for (const s of SECTORS) {
      const list = t.sectors[s];
      expect(list.some((c) => c.code === otherCategory(s) && c.title === 'Прочие по направлению'), s).toBe(true);
      expect(list.filter((c) => c.code !== otherCategory(s)).length, s).toBeGreaterThanOrEqual(MIN_CATEGORIES_PER_SECTOR);
      for (const c of list) {
        expect(c.code.startsWith(`${s}.`), c.code).toBe(true);
        expect(c.title, c.code).toMatch(/^[А-ЯЁ][а-яё]/);
      }
    }
    expect(new Set(categoryCodes(t)).size).toBe(categoryCodes(t).length);
  });

  it('rejects a broken taxonomy naming the field', () => {
    const ok = JSON.parse(JSON.stringify(t)) as { sectors: Record<string, { code: string; title: string }[]> };
    const without = (sector: string, code: string) => {
      const d = JSON.parse(JSON.stringify(ok)) as typeof ok;
      d.sectors[sector] = d.sectors[sector]!.filter((c) => c.code !== code);
      return d;
    };
    expect(() => parseTaxonomy({ version: 1, sectors: { ...ok.sectors, housing: undefined } })).toThrow(/sectors\.housing: missing/);
    expect(() => parseTaxonomy({ version: 1, ...without('waste', 'waste.other') })).toThrow(/sectors\.waste: needs «Прочие по направлению» \(waste\.other\)/);
    expect(() => parseTaxonomy({ version: 1, ...without('roads', 'roads.potholes') })).toThrow(/sectors\.roads: needs at least 3 categories/);
    const badCode = JSON.parse(JSON.stringify(ok)) as typeof ok;
    badCode.sectors.energy![0]!.code = 'housing.gas';
    expect(() => parseTaxonomy({ version: 1, ...badCode })).toThrow(/sectors\.energy\[0\]\.code: "housing\.gas" must look like energy\.<name>/);
    expect(() => parseTaxonomy({ version: 1, sectors: { ...ok.sectors, space: [] } })).toThrow(/sectors\.space: unknown sector/);
  });

  it('folds a code the configured taxonomy does not list into the sector\'s «прочие»', () => {
    expect(resolveCategory(t, 'housing', 'housing.heating').title).toBe('Отопление');
    expect(resolveCategory(t, 'housing', 'housing.no_such')).toEqual({ code: 'housing.other', title: 'Прочие по направлению' });
  });
});

describe('place: municipality and street address against the Omsk gazetteer', () => {
  const place = createPlaceResolver(createGazetteer(loadRegion('omsk')));
  const at = (text: string, source: string | null = null) => place.resolve(normalize(text), source);

  it.each([
    ['Третий день нет отопления, ул. Ленина, 12, подъезд 2', 'улица Ленина', '12'],
    ['пр. Маркса д 5 опять яма у подъезда', 'проспект Карла Маркса', '5'],
    ['На Лукашевича второй день нет света', 'улица Лукашевича', undefined],
    ['Масленникова 70, течёт крыша', 'улица Масленникова', '70'],
    ['ул. 70 лет Октября д. 3/1 к2 нет воды', 'улица 70 лет Октября', '3/1 к2'],
    ['Проспект Мира 19а, не вывозят мусор', 'проспект Мира', '19а'],
    ['Дианова снег не убирают', 'улица Дианова', undefined],
    ['22 Апреля снег не убирают', 'улица 22 Апреля', undefined],
  ])('%s → %s %s', (text, street, house) => {
    const p = at(text);
    expect(p.address).toMatchObject({ street, known: true });
    expect(p.address?.house).toBe(house);
    // A known Omsk street places the post in Omsk when nothing else does.
    expect(p.municipality).toBe('omsk');
  });

  it('a post opening with an adjective street name does not name that street without a house or preposition', () => {
    expect(at('Омская область опять без денег на дороги').address ?? null).toBeNull();
    expect(at('Омская 12 нет света').address).toMatchObject({ street: 'улица Омская', house: '12' });
  });

  it('keeps an unknown street as written and does not invent a municipality for it', () => {
    const p = at('на улице Садовой 5 прорвало трубу');
    expect(p.address).toMatchObject({ street: 'улица Садовой', house: '5', known: false });
    expect(p.municipality).toBe('region');
    expect(p.municipalitySource).toBe('unknown');
  });

  it('prefers the source\'s municipality, and a known Omsk street name elsewhere is not that street', () => {
    const p = at('на ул. Ленина, 3 нет воды', 'tara');
    expect(p).toMatchObject({ municipality: 'tara', municipalitySource: 'source', address: { street: 'улица Ленина', house: '3', known: false } });
    expect(at('В Таре на Ленина нет воды').municipality).toBe('tara');
  });

  it('reads no house from a date, a house letter written apart, and a numbered street', () => {
    // «14 ноября» is a date, not house 14.
    expect(at('Соседи с Бархатовой, 14 ноября света не будет').address).toMatchObject({ street: 'улица Бархатовой', known: true });
    expect(at('Соседи с Бархатовой, 14 ноября света не будет').address?.house).toBeUndefined();
    // A letter after a space: «б» always; «а» and «в» before punctuation only («5 в подъезде» is house 5).
    expect(at('Дмитриева 5 А — во дворе горка сломана').address?.house).toBe('5а');
    expect(at('ул. Пролетарская 3 б, мусоропровод').address?.house).toBe('3б');
    expect(at('Дмитриева 5 в подъезде нет света').address?.house).toBe('5');
    // «17 (г. Называевск)» and «17 г.» are no house 17г.
    expect(at('по ул. Пролетарской, 17 (г. Называевск)').address?.house).toBe('17');
    // Omsk's numbered streets, unknown to the street list, in any case form; not a hospital.
    expect(at('На 3-й Молодёжной у дома 10 открытый колодец').address).toMatchObject({ street: 'улица 3-я Молодежной', known: false });
    expect(at('1-я Молодёжная 10, колодец без люка').address).toMatchObject({ street: 'улица 1-я Молодежная', house: '10', known: false });
    expect(at('в 15-й городской больнице нет лекарств').address ?? null).toBeNull();
  });

  it('reads no street from words after «улица» that name none; a name before its type; numbered streets without an ending', () => {
    expect(at('знаменское, на центральной улице фонари не горят').address ?? null).toBeNull();
    expect(at('когда в шербакуле свет на улице сделают?').address ?? null).toBeNull();
    expect(at('на улице минус, батареи холодные').address ?? null).toBeNull();
    expect(at('Граничная улица вечером в полной темноте').address).toMatchObject({ street: 'улица Граничная', known: true });
    expect(at('3 Енисейская света нет с 2 ночи').address).toMatchObject({ street: 'улица 3-я Енисейская', known: false });
    // A numbered street of the list is read wherever it stands.
    expect(at('опять при свечах сидим. 21-я Амурская, уже 4 часа').address).toMatchObject({ street: 'улица 21-я Амурская', known: true });
    expect(at('Завертяева 9-к2 лифт стоит').address?.house).toBe('9 к2');
    expect(at('ул. Туполева, дом 4 «А», во втором подъезде темно').address?.house).toBe('4а');
  });

  it('reads an adjective and a house number opening a post as a street the list does not have', () => {
    expect(at('ленинградская 10, во дворе из колодца течёт').address).toMatchObject({ street: 'улица Ленинградская', house: '10', known: false });
    expect(at('На Солнечной 22 отопления нет').address).toMatchObject({ street: 'улица Солнечной', house: '22', known: false });
    expect(at('в которой 10 лет не было ремонта').address ?? null).toBeNull();
  });

  it('lists every street of the list an outage notice names, and only then', () => {
    // «Волкова» is not in the list.
    expect(at('отключение воды в дома по ул. 22 Апреля, Заозёрной и Волкова').streets).toEqual(['улица 22 Апреля', 'улица Заозерная']);
    expect(at('отключение воды в дома по ул. 22 Апреля и Заозёрной').streets).toEqual(['улица 22 Апреля', 'улица Заозерная']);
    expect(at('Масленникова 70, течёт крыша').streets).toBeUndefined();
  });

  it('finds no address in text without one', () => {
    expect(at('Когда уже починят дорогу? Сил нет').address).toBeNull();
    expect(at('').address).toBeNull();
  });
});

describe('organisations mentioned (rule-based)', () => {
  const orgs = (text: string) => extractOrganisations(normalize(text));

  it('finds numbered and named organisations', () => {
    const found = orgs('Поликлиника №4 не берёт трубку, в школе № 55 холодно, детский сад 12 закрыт, УК «Жилищник-5» и ТСЖ Радуга молчат, в БСМП-1 нет мест, Омскводоканал и Омскэлектро не отвечают');
    expect(found).toEqual(
      expect.arrayContaining([
        { kind: 'clinic', name: 'поликлиника № 4' },
        { kind: 'school', name: 'школа № 55' },
        { kind: 'kindergarten', name: 'детский сад № 12' },
        { kind: 'management_company', name: 'УК «Жилищник-5»' },
        { kind: 'hoa', name: 'ТСЖ «Радуга»' },
        { kind: 'hospital', name: 'БСМП № 1' },
        { kind: 'utility', name: 'Омскводоканал' },
        { kind: 'utility', name: 'Омскэлектро' },
      ]),
    );
  });

  it('does not take an ordinary word for a management company\'s name, nor a bare «поликлиника» for an organisation', () => {
    expect(orgs('УК опять ничего не делает')).toEqual([{ kind: 'management_company', name: 'УК' }]);
    expect(orgs('в поликлинике очереди, в школе холодно')).toEqual([]);
    expect(orgs('Спасибо за новый асфальт!')).toEqual([]);
  });
});

describe('shipped model: every output with a confidence and the model version', () => {
  it('classifies an urgent heating complaint in frost with category, tone, urgency and reasons', () => {
    const c = clf.classify(analyze('Третий день нет отопления, на улице мороз -32, дети мерзнут, батареи ледяные! УК трубку не берёт'));
    expect(c).toMatchObject({
      sector: { label: 'housing' },
      category: { code: 'housing.heating', title: 'Отопление' },
      complaint: { value: true },
      tone: { label: 'negative' },
      urgency: { value: true, reasons: expect.arrayContaining(['no_heat_in_frost']) },
      modelVersion: clf.version,
    });
    for (const v of [c.sector.confidence, c.category.confidence, c.complaint.confidence, c.tone.confidence, c.urgency.confidence, c.misinformation.score]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    ['В подъезде сильно пахнет газом, соседи не открывают, аварийка не едет', 'gas_smell'],
    ['В квартире обрушился потолок, кусками штукатурки чуть не убило ребёнка', 'collapse'],
    ['Вызвали скорую бабушке два часа назад, до сих пор не приехали', 'ambulance_not_arriving'],
  ])('flags danger now as urgent: %s', (text, reason) => {
    const u = clf.classify(analyze(text)).urgency;
    expect(u.value).toBe(true);
    expect(u.confidence).toBeGreaterThanOrEqual(0.5);
    expect(u.reasons).toContain(reason);
  });

  it('does not flag an everyday complaint or a question as urgent', () => {
    for (const t of ['Во дворе не горят фонари, вечером темно', 'Подскажите, когда начнут ремонт дороги на Лукашевича?', 'Автобус 21 опять опоздал на 10 минут']) {
      const u = clf.classify(analyze(t)).urgency;
      expect(u.value, t).toBe(false);
      expect(u.reasons, t).toEqual([]);
    }
  });

  it.each([
    ['Огромное спасибо дворникам, двор чистый, всё убрали быстро!', 'positive'],
    ['Опять яма на дороге, машину разбил, позор дорожникам!', 'negative'],
    ['С 1 декабря автобус 21 будет ходить по новому расписанию', 'neutral'],
  ])('tone: %s → %s', (text, tone) => {
    expect(clf.classify(analyze(text)).tone.label).toBe(tone);
  });

  it.each([
    ['Контейнеры переполнены, мусор не вывозят неделю', 'waste.collection'],
    ['В поликлинике невозможно записаться к терапевту, талонов нет месяц', 'health.appointments'],
    ['Лифт в нашем подъезде не работает вторую неделю', 'housing.elevator'],
    ['На дороге огромные ямы, асфальт разбит', 'roads.potholes'],
    ['Бездомные собаки стаями бегают по двору, нападают на детей', 'improvement.stray_animals'],
  ])('category: %s → %s', (text, code) => {
    expect(clf.classify(analyze(text)).category.code).toBe(code);
  });

  it('the category always belongs to the predicted sector', () => {
    for (const t of ['', '👍', 'hello world', 'В школе холодно', 'Пенсию не перечислили', 'Интернет не работает третий день']) {
      const c = clf.classify(analyze(t));
      expect(c.category.code.startsWith(`${c.sector.label}.`), t).toBe(true);
    }
  });
});

describe('explanations', () => {
  it('name the features behind each label of the same classification', () => {
    const a = analyze('Третий день нет отопления на Масленникова 70, батареи ледяные, УК не отвечает!');
    const c = clf.classify(a);
    const e = clf.explain(a, 5);
    expect(e.modelVersion).toBe(clf.version);
    expect(e.sector).toMatchObject({ label: c.sector.label, confidence: c.sector.confidence });
    expect(e.category).toMatchObject({ label: c.category.code, confidence: c.category.confidence });
    expect(e.tone.label).toBe(c.tone.label);
    expect(e.complaint.label).toBe(c.complaint.value ? 'complaint' : 'not_complaint');
    for (const l of [e.sector, e.category, e.complaint, e.tone, e.urgency, e.misinformation]) {
      expect(l.features.length).toBeGreaterThan(0);
      expect(l.features.length).toBeLessThanOrEqual(5);
      // Sorted, positive, readable (no raw bucket numbers).
      for (let i = 1; i < l.features.length; i++) expect(l.features[i - 1]!.weight).toBeGreaterThanOrEqual(l.features[i]!.weight);
      for (const f of l.features) expect(f.feature).not.toMatch(/^\d+$/);
    }
    const sectorFeatures = e.sector.features.map((f) => f.feature).join(' | ');
    expect(sectorFeatures).toMatch(/lexicon:housing \(.*отоплен/);
    expect(e.category.features.map((f) => f.feature).join(' | ')).toMatch(/отоп|батар|ледян/);
  });

  it('give the rule cues behind misinformation and urgency as reasons', () => {
    const e = clf.explain(analyze('СРОЧНО! В воде нашли холеру, уже 300 человек в больнице, власти скрывают! Перешлите всем знакомым!'));
    expect(e.misinformation.label).toBe('risk');
    expect(e.misinformation.reasons).toEqual(expect.arrayContaining(['call_to_spread', 'authorities_hiding']));
    expect(e.misinformation.features.map((f) => f.feature)).toContain('cue:call_to_spread');
  });

  it('featureNames covers every bucket the features of a text use', () => {
    const a = analyze('Нет горячей воды! Когда дадут?');
    const names = featureNames(a, []);
    const x = extractFeatures(a, []);
    for (const b of x.idx) expect(names.has(b), String(b)).toBe(true);
  });
});

describe('urgency cues', () => {
  it('read the issue\'s examples', () => {
    expect(urgencyCues(normalize('Пахнет газом в подъезде'))).toContain('gas_smell');
    expect(urgencyCues(normalize('Мороз минус 35, а отопления нет'))).toContain('no_heat_in_frost');
    expect(urgencyCues(normalize('Обрушился потолок в подъезде'))).toContain('collapse');
    expect(urgencyCues(normalize('Скорая не едет уже час'))).toContain('ambulance_not_arriving');
    expect(urgencyCues(normalize('Нет отопления, но на улице +10'))).toEqual([]);
  });
});
