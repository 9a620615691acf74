/**
 * Grouping features: sub-problems (aspects) of one kind of problem keep two posts apart only when
 * both name one of the same group; a guessed street is compared by its stems.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/text/analyze';
import { aspectsIn, aspectsOf, conceptOf, districtsOf, groupingFeatures, guessedStreetKey, incidentalNumbers } from '../../../src/text/grouping-features';

const aspects = (text: string) => aspectsOf(analyze(text).stems);
const features = (text: string) => groupingFeatures(analyze(text).stems);

describe('conceptOf', () => {
  it('names the concept of whole stems and stem prefixes, the same when asked again, and nothing for names of object properties', () => {
    expect(conceptOf('свет')).toBe('power');
    expect(conceptOf('обесточен')).toBe('power');
    expect(conceptOf('выбоин')).toBe('pothole');
    expect(conceptOf('обесточен')).toBe('power');
    expect(conceptOf('светофор')).not.toBe('power');
    for (const s of ['constructor', 'tostring', '__proto__', 'hasownproperty']) expect(conceptOf(s)).toBeNull();
    expect([conceptOf('интернет'), conceptOf('провайдер'), conceptOf('забор'), conceptOf('огражден'), conceptOf('скамейк')]).toEqual(['internet', 'internet', 'fence', 'fence', 'bench']);
  });
});

describe('aspectsOf', () => {
  it('tells snow or ice on a roof from snow or ice underfoot, only about snow or ice', () => {
    expect(aspects('С крыши свисают сосульки, никто не сбрасывает снег')).toEqual(['where:roof']);
    expect(aspects('Дорогу не чистят от снега, сугробы')).toEqual(['where:ground']);
    expect(aspects('Тротуар сплошной гололёд')).toEqual(['where:ground']);
    // About water, the roof is where it gets in (and a road is not read).
    expect(aspects('Течёт крыша, дорогу размыло')).toEqual(['where:roof']);
  });

  it('tells water getting in through the roof from water in the basement', () => {
    expect(aspects('Ленина 22: с крыши капает на лестнице 5 этажа')).toEqual(['where:roof']);
    expect(aspects('Серова 14 — подвал затопило, вода стоит по колено')).toEqual(['water:leak', 'where:basement']);
    expect(aspects('с потолка течёт на 5 этаже')).toEqual([]);
  });

  it('tells water quality, no water, pressure and a leak apart, and hot from cold water', () => {
    expect(aspects('На Волгоградской 24 ржавая вода')).toEqual(['water:quality']);
    expect(aspects('На Волгоградской 24 нет воды')).toEqual(['water:none']);
    expect(aspects('Слабый напор воды, вода еле течёт')).toEqual(['water:pressure']);
    expect(aspects('В подвале течёт труба, всё в воде')).toEqual(['water:leak', 'where:basement']);
    expect(aspects('Нет горячей воды')).toEqual(['temp:hot', 'water:none']);
    expect(aspects('Нет холодной воды')).toEqual(['temp:cold', 'water:none']);
  });

  it('tells a burning bin from uncollected rubbish, and a late bus from a crowded, dirty or cancelled one', () => {
    expect(aspects('Горит помойка, дым во дворе')).toEqual(['waste:fire']);
    expect(aspects('Не вывозят мусор, баки переполнены')).toEqual(['waste:uncollected']);
    expect(aspects('Автобус 40 опаздывает')).toEqual(['bus:late', 'vehicle:bus']);
    expect(aspects('Автобус 40 битком')).toEqual(['bus:crowded', 'vehicle:bus']);
    expect(aspects('В автобусе 40 грязно')).toEqual(['bus:dirty', 'vehicle:bus']);
    expect(aspects('Отменили маршрут 40')).toEqual(['bus:cancelled']);
  });

  it('names which water is off, not the one still running', () => {
    expect(aspects('Чкалова 14 нет холодной воды, а горячая идёт')).toEqual(['temp:cold', 'water:none']);
    expect(aspects('холодной воды нет, из крана только горячая бежит')).toEqual(['temp:cold', 'water:none']);
    expect(aspects('нет холодной воды, из крана идёт только горячая')).toEqual(['temp:cold', 'water:none']);
    expect(aspects('горячая не идёт второй день')).toEqual(['temp:hot', 'water:none']);
  });

  it('tells a cold cabin and a dearer fare from a late route', () => {
    expect(aspects('24 маршрут печка не работает')).toEqual(['bus:cold']);
    expect(aspects('в 7 троллейбусе холодно как на улице')).toEqual(['bus:cold', 'vehicle:trolleybus']);
    expect(aspects('на 24 маршруте подняли проезд до 45 рублей')).toEqual(['bus:fare']);
    expect(aspects('троллейбус 7 не ходит')).toEqual(['bus:late', 'vehicle:trolleybus']);
  });

  it('names the kind of facility: a school, a kindergarten, a clinic, a hospital, a pharmacy', () => {
    expect(aspects('Шербакуль, в садике «Солнышко» холодно')).toContain('site:kindergarten');
    expect(aspects('в шербакульской школе №2 в классах холодно')).toContain('site:school');
    expect(aspects('лёд на крыльце у поликлиники 3')).toEqual(['site:clinic']);
    expect(aspects('в ЦРБ нет педиатра')).toEqual(['site:hospital']);
    expect(aspects('в аптеке нет инсулина')).toEqual(['site:pharmacy']);
    // No facility; where the pothole is (the yard) since the twenty-fourth iteration.
    expect(aspects('во дворе яма')).toEqual(['where:yard']);
  });

  it('names the entrance of a house by its number or ordinal, about what an entrance has of its own', () => {
    expect(aspects('Осташковская 10, первый подъезд — лифт не работает')).toEqual(['entrance:1']);
    expect(aspects('осташковская 10 третий подъезд лифт стоит')).toEqual(['entrance:3']);
    expect(aspects('в подъезде №2 не горит свет')).toEqual(['entrance:2']);
    expect(aspects('Взлетная 7 подъезд 2 — лампочки не горят')).toEqual(['entrance:2']);
    expect(aspects('в подъезде не горит свет')).toEqual([]);
    // A roof leaks over the whole house, whichever entrance writes.
    expect(aspects('у нас в 4 подъезде на пятом крыша течёт')).toEqual(['where:roof']);
  });

  it('names the kind of vehicle of a route', () => {
    expect(aspects('Трамвай №8 вечером не дождаться')).toEqual(['bus:late', 'vehicle:tram']);
    expect(aspects('Автобус №8 вечером не дождаться')).toEqual(['bus:late', 'vehicle:bus']);
    expect(aspects('7 тролик опять встал')).toEqual(['vehicle:trolleybus']);
  });

  it('reads «холодной едой» as meals and «холодно в классах» as cold, only about a school or kindergarten', () => {
    expect(aspects('В школе детей кормят холодной едой')).toEqual(['care:meals', 'site:school']);
    expect(aspects('В школе холодно в классах')).toEqual(['care:cold', 'site:school']);
    expect(aspects('95 школа, каша холодная')).toEqual(['care:meals', 'site:school']);
    expect(aspects('В подъезде холодно')).toEqual([]);
    // No kind named (water, waste, bus, school): «грязно» alone is no aspect.
    expect(aspects('Грязно во дворе')).toEqual([]);
  });
});

describe('districtsOf and the stairwell', () => {
  it('names Omsk microdistricts written as two words or an adjective', () => {
    expect(districtsOf(analyze('Порт-Артур, стая собак у площадки').stems)).toEqual(['port-artur']);
    expect(districtsOf(analyze('Мкр Загородный, дом 7').stems)).toEqual(['zagorodny']);
  });

  it('reads «в подъезде не горит свет» as the stairwell lamps, «нет света» as the power', () => {
    expect(features('в подъезде 2 не горит свет на всех этажах')).toContain('~lamp');
    expect(features('в подъезде 2 не горит свет на всех этажах')).not.toContain('~power');
    expect(features('весь дом без света, в подъезде тоже')).toContain('~power');
  });
});

describe('guessedStreetKey', () => {
  it('meets word forms of a guessed street and refuses a guess that is no name', () => {
    expect(guessedStreetKey(analyze('улица Светлой').stems)).toBe(guessedStreetKey(analyze('улица Светлая').stems));
    expect(guessedStreetKey(analyze('улица Светлой').stems)).not.toBe(guessedStreetKey(analyze('улица Тополиной').stems));
    expect(guessedStreetKey(analyze('улица Без').stems)).toBeNull();
  });
});

describe('numbers', () => {
  it('reads a number with an ending or a route nickname as the number', () => {
    expect(features('где 72й?? полчаса жду')).toContain('#72');
    expect(features('95я школа, левый берег')).toContain('#95');
    expect(features('четвёрка где? стоим с утра')).toContain('#4');
    expect(features('десятку до зари убрали')).toContain('#10');
    // An ordinal (with its tens) next to a school, clinic or route names its number; elsewhere it does not.
    expect(features('у восьмой поликлиники на крыльце каток')).toContain('#8');
    expect(features('возле шестьдесят второй школы бродячие псы')).toContain('#62');
    expect(features('школа номер пять')).toContain('#5');
    expect(features('третий день нет воды, второй раз пишу')).not.toContain('#3');
    expect(features('третий день нет воды, второй раз пишу')).not.toContain('#2');
    // After a facility's noun, an ordinal before another noun counts that: a duration, an auction.
    expect(features('В школе №5 третью неделю нет горячего питания')).not.toContain('#3');
    expect(features('ремонт кровли больницы: первый аукцион признан несостоявшимся')).not.toContain('#1');
    // «67 ребёнок застрял» is house 67; «2 ребёнка» count children.
    expect([...incidentalNumbers('на Пушкина 67 ребёнок застрял в лифте')]).toEqual([]);
    expect([...incidentalNumbers('застряли 2 ребёнка')]).toEqual(['#2']);
    // Not a shop: «Пятёрочка» is no route 5.
    expect(features('в пятерочке на кассе обсчитали')).not.toContain('#5');
  });

  it('says which numbers tell when, how long or how many, not which house, route or school', () => {
    expect([...incidentalNumbers('нет света с 18:00')].sort()).toEqual(['#0', '#18']);
    expect([...incidentalNumbers('Ленина 12 электричества нет с 7 утра')]).toEqual(['#7']);
    expect([...incidentalNumbers('в классе +14, дети мёрзнут')]).toEqual(['#14']);
    expect([...incidentalNumbers('+1 у нас так же')]).toEqual(['#1']);
    expect([...incidentalNumbers('на 9 этаже бабушка, лифт стоит 5 дней')].sort()).toEqual(['#5', '#9']);
    expect([...incidentalNumbers('газовики требуют 15 тысяч')]).toEqual(['#15']);
    // A house, a route, a street name: kept.
    expect(incidentalNumbers('ул. 70 лет Октября 5 нет воды').size).toBe(0);
    expect(incidentalNumbers('автобус 125 утром битком').size).toBe(0);
    // The same number also standing on its own (a house) is kept.
    expect(incidentalNumbers('дом 12, с 12 часов нет воды').size).toBe(0);
  });
});

describe('sixth-iteration concepts', () => {
  it('a cold room is the heating, cold water or a cold meal is not', () => {
    expect(features('в классах холодно, дети в куртках')).toContain('~heating');
    expect(features('в квартирах холодрыга')).toContain('~heating');
    expect(features('нет холодной воды')).not.toContain('~heating');
    expect(features('кормят холодной едой')).not.toContain('~heating');
  });

  it('folds the words residents use for one thing', () => {
    expect(features('инет отвалился у всего подъезда')).toContain('~internet');
    expect(features('сотовая не ловит второй день')).toContain('~internet');
    expect(features('открытый люк у дома')).toContain('~manhole');
    expect(features('колодец без крышки')).toContain('~manhole');
    expect(features('сломаны качели во дворе')).toContain('~playground');
    expect(features('больница трубку не берёт')).toEqual(expect.arrayContaining(['~hospital', '~noanswer']));
  });
});

describe('ninth-iteration features', () => {
  it('reads an entrance written «4-й подъезд», and a house with a letter as another building', () => {
    expect(aspects('Мира 56, 4-й подъезд: лифт стоит')).toEqual(['entrance:4']);
    expect(features('Королёва 10а — лифт не работает')).toContain('#10а');
    expect(features('Королёва 10а — лифт не работает')).not.toContain('#10');
    expect(features('Королёва 10 — лифт застревает')).toContain('#10');
  });

  it('a number after a hyphen glued to a word names it («БСМП-1»); after a space it is a temperature', () => {
    expect(incidentalNumbers('В БСМП-1 холодно в палатах').size).toBe(0);
    expect([...incidentalNumbers('в палатах -1, холодно')]).toEqual(['#1']);
  });

  it('«до сих пор» is no burst, «не топят» is the heating', () => {
    expect(features('до сих пор не починили')).not.toContain('~burst');
    expect(features('прорвало трубу, порыв на трассе')).toContain('~burst');
    expect(features('Шербакуль, первая школа, до сих пор не топят')).toContain('~heating');
  });

  it('names a dug-up road, parking and a charge as problems of their own', () => {
    expect(features('Пролетарская до сих пор перекопана')).toContain('~dug');
    expect(features('раскопали дорогу, траншею бросили')).toContain('~dug');
    expect(features('машины паркуются на газоне у площадки')).toContain('~parking');
    expect(features('УК подняла плату за содержание')).toContain('~fee');
    expect(features('подъезды не моют два месяца')).toContain('~clean');
  });

  it('about a telecom problem names the operator and the line (the flat\'s wired internet or the mobile network)', () => {
    expect(aspects('Нижняя Омка — нет связи МТС')).toEqual(['line:mobile', 'operator:mts']);
    expect(aspects('В Нижней Омке не работает Теле2, мобильный интернет не грузит')).toEqual(['line:mobile', 'operator:tele2']);
    expect(aspects('Нет домашнего интернета Ростелеком на Комарова 25')).toEqual(['line:home', 'operator:rostelecom']);
    expect(aspects('у кого мтс в нижней омке ловит? у нас ноль палок')).toEqual(['line:mobile', 'operator:mts']);
    // Not about telecom: no operator or line is read.
    expect(aspects('нет воды, сеть магазинов закрыта')).toEqual(['water:none']);
  });
});

describe('tenth-iteration features', () => {
  it('folds a problem told by its consequences into the problem', () => {
    expect(features('весь день сидели на уроках в куртках и шапках')).toContain('~heating');
    expect(features('мама в палате мёрзнет, медсёстры приносят пледы')).toContain('~heating');
    expect(features('с утра сухо в кранах, ходим к колонке')).toContain('~water');
    expect(features('сидим при свечах, холодильники потекли')).toContain('~power');
    expect(features('с потолка капает прямо на диван')).toContain('~leak');
    expect(features('в школе опять толчки не работают')).toContain('~toilet');
    expect(features('рогатые на маркса встали все в ряд')).toContain('~bus');
    expect(features('сына покусали у дома')).toContain('~stray');
  });

  it('«ни холодной ни горячей» is the water, not a cold room', () => {
    expect(features('воды нет вообще ни холодной ни горячей')).not.toContain('~heating');
    expect(aspects('70 лет Октября 13 — холодной нет, горячая идёт')).toEqual(['temp:cold']);
  });

  it('names the date of an outage, a dump apart from a container not emptied, a market and a station as sites', () => {
    expect(aspects('Лобкова 4 — опять нет горячей, 12 марта')).toContain('date:12.3');
    expect(aspects('с 9 мая нет горячей воды')).toContain('date:9.5');
    expect(aspects('24 маршрут печка не работает')).not.toContain('date:24.5');
    expect([...incidentalNumbers('Лобкова 4 нет горячей воды с 1 февраля')]).toEqual(['#1']);
    expect(aspects('На пустыре кто-то вывалил строительный мусор')).toContain('waste:dump');
    expect(aspects('Мусор не вывозят с контейнерной площадки')).toEqual(['waste:uncollected']);
    expect(aspects('светофор у рынка мигает жёлтым')).toEqual(['site:market']);
    expect(aspects('у вокзала яма')).toEqual(['site:station']);
  });

  it('reads «на Амуре» and «Городок» as districts, «Эр-Телеком» as Дом.ру', () => {
    expect(districtsOf(analyze('на амуре опять света нет').stems)).toEqual(['amursky']);
    expect(districtsOf(analyze('без тепла весь Городок').stems)).toEqual(['neftyaniki']);
    expect(aspects('Эр-Телеком, с 18:00 интернет отвалился')).toContain('operator:domru');
    expect(aspects('Дом.ру лёг по всему Омску? ни интернета ни тв')).toContain('operator:domru');
  });
});

describe('eleventh-iteration features', () => {
  it('an intercom and an entrance door are problems of their own; a rude conductor is not a late bus', () => {
    expect(features('Багратиона 21 — домофон не работает')).toContain('~intercom');
    expect(features('сломан доводчик, входная дверь нараспашку')).toContain('~door');
    expect(aspects('В 60-м автобусе кондуктор нахамила пенсионерке и высадила на морозе')).toContain('bus:rude');
  });

  it('reads operators written in Latin letters and «Левобережье» as the left bank', () => {
    expect(aspects('в Ростовке MTS не ловит')).toEqual(['line:mobile', 'operator:mts']);
    expect(districtsOf(analyze('на Левобережье нет связи').stems)).toEqual(['left-bank']);
  });
});

describe('twelfth-iteration features', () => {
  it('names the weekday apart from the date, and «среди» is no Wednesday', () => {
    expect(aspects('Октябрьская — света нет с 8 утра, понедельник')).toContain('weekday:1');
    expect(aspects('в среду снова отключили электричество')).toContain('weekday:3');
    expect(aspectsIn(aspects('среди жителей опрос, свет отключили'), 'weekday')).toEqual([]);
  });

  it('«кипятком не умоешься» names no hot water that is off; rides, road markings and signs are problems', () => {
    expect(aspects('нет холодной воды. Горячая есть, а толку, кипятком же не умоешься')).not.toContain('temp:hot');
    expect(features('половина аттракционов закрыта')).toContain('~attraction');
    expect(features('переход стёрся, разметки не видно')).toContain('~markings');
    expect(features('знак «Пешеходный переход» сбит машиной')).toContain('~sign');
  });
});

describe('dry taps and dry grass', () => {
  it('«сухо в кранах» is the water, «сухую траву жгут» is not', () => {
    expect(features('Тюкалинск, у нас тоже сухо')).toContain('~water');
    expect(features('с утра сухо в кранах')).toContain('~water');
    expect(features('за гаражами жгут сухую траву, дым')).not.toContain('~water');
  });
});

describe('fourteenth-iteration features', () => {
  it('names the year an event is dated to, not the year something has lasted since', () => {
    expect(aspects('Двор опять затопило. Апрель 2023, а ливнёвки нет')).toContain('year:2023');
    expect(aspects('12 апреля 2024 г. снова в луже по колено')).toContain('year:2024');
    expect(aspects('весной 2024 двор снова в луже')).toContain('year:2024');
    expect(aspectsIn(aspects('яма тут с 2019 года, никто не чинит'), 'year')).toEqual([]);
  });

  it('reads «с 10 до 16» as hours, not houses; «дома с 8 до 16» are houses', () => {
    expect([...incidentalNumbers('14 ноября света не будет с 10 до 16')].sort()).toEqual(['#10', '#14', '#16']);
    expect(incidentalNumbers('отключение по дома с 8 до 16').size).toBe(0);
    // Hours are at most 24: «с 30 до 40» are no hours.
    expect(incidentalNumbers('дома с 30 до 40 без воды').size).toBe(0);
  });

  it('reads a house letter «б» written apart as the house; «г» and «д» may be «год», «город», «дом»', () => {
    expect(features('Комкова 3 б, мусоропровод забит')).toContain('#3б');
    expect(features('Комкова 3Б мусоропровод забит')).toContain('#3б');
    expect(features('детский сад № 5 г. Калачинска')).toContain('#5');
  });

  it('keeps the number of a numbered street in its guessed name', () => {
    expect(guessedStreetKey(analyze('улица 3-я Молодёжной').stems)).toBe(guessedStreetKey(analyze('улица 3-я Молодёжная').stems));
    expect(guessedStreetKey(analyze('улица 3-я Молодёжная').stems)).not.toBe(guessedStreetKey(analyze('улица 1-я Молодёжная').stems));
  });
});

describe('fifteenth-iteration features', () => {
  it('names the month an event happened in, from a date or «в мае»', () => {
    expect(aspects('29 декабря на волгоградской 24 лифт застрял')).toContain('month:12');
    expect(aspects('в мае лифт опять встал между этажами')).toContain('month:5');
    expect(aspectsIn(aspects('с мая обещают починить'), 'month')).toEqual([]);
  });

  it('tells thanks for a problem fixed from a report, and «заранее спасибо» is a report', () => {
    expect(aspects('спасибо дорожникам, яму на ленина наконец заделали!')).toContain('report:resolved');
    expect(aspectsIn(aspects('яма на яме, помогите, заранее спасибо, сделайте что-нибудь'), 'report')).toEqual(['open']);
    expect(aspectsIn(aspects('спасибо за ответ, но так и не сделали'), 'report')).toEqual(['open']);
    expect(aspectsIn(aspects('на перекрёстке яма на яме'), 'report')).toEqual(['open']);
  });
});

describe('sixteenth-iteration features', () => {
  it('names the season of an event, from a season word or a month', () => {
    expect(aspects('октябрь, отопление так и не дали')).toContain('season:autumn');
    expect(aspects('конец апреля — отопление отключили, в квартире холодно')).toContain('season:spring');
    expect(aspects('весной опять затопило двор')).toContain('season:spring');
    // «5 лет» is no summer.
    expect(aspectsIn(aspects('5 лет не ремонтировали'), 'season')).toEqual([]);
  });

  it('reads the okrug a microdistrict lies in, apart from the microdistrict', () => {
    expect(aspectsIn(aspects('в Московке нет связи Теле2'), 'okrug')).toEqual(['ленинск']);
    expect(aspectsIn(aspects('авария в Ленинском округе, связи нет'), 'okrug')).toEqual(['ленинск']);
    expect(districtsOf(analyze('авария в Ленинском округе').stems)).toEqual([]);
    expect(aspectsIn(aspects('на Левом берегу нет воды'), 'okrug')).toEqual(['кировск']);
  });
});

describe('seventeenth-iteration features', () => {
  it('a lost or found pet and an advertisement that name a place are no report of its problem', () => {
    expect(aspectsIn(aspects('Пропал кот у мусорных баков на Волочаевской, рыжий, помогите найти'), 'report')).toEqual(['pet']);
    expect(aspectsIn(aspects('Вывоз снега! Трактор, самосвал, Чкаловский и весь Омск, недорого, звоните 24/7'), 'report')).toEqual(['ad']);
    // A stray pack is a report, and one word of trade is not an advertisement.
    expect(aspectsIn(aspects('стая бездомных собак у школы, одна собака покусала ребёнка'), 'report')).toEqual(['open']);
    expect(aspectsIn(aspects('звонила в УК, лифт так и стоит'), 'report')).toEqual(['open']);
  });
});
