/**
 * Grouping features: sub-problems (aspects) of one kind of problem keep two posts apart only when
 * both name one of the same group; a guessed street is compared by its stems.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/text/analyze';
import { aspectsOf, conceptOf, guessedStreetKey } from '../../../src/text/grouping-features';

const aspects = (text: string) => aspectsOf(analyze(text).stems);

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
    expect(aspects('С крыши свисают сосульки, никто не сбрасывает снег')).toEqual(['snow:roof']);
    expect(aspects('Дорогу не чистят от снега, сугробы')).toEqual(['snow:ground']);
    expect(aspects('Тротуар сплошной гололёд')).toEqual(['snow:ground']);
    expect(aspects('Течёт крыша, дорогу размыло')).toEqual([]);
  });

  it('tells water quality, no water, pressure and a leak apart, and hot from cold water', () => {
    expect(aspects('На Волгоградской 24 ржавая вода')).toEqual(['water:quality']);
    expect(aspects('На Волгоградской 24 нет воды')).toEqual(['water:none']);
    expect(aspects('Слабый напор воды, вода еле течёт')).toEqual(['water:pressure']);
    expect(aspects('В подвале течёт труба, всё в воде')).toEqual(['water:leak']);
    expect(aspects('Нет горячей воды')).toEqual(['temp:hot', 'water:none']);
    expect(aspects('Нет холодной воды')).toEqual(['temp:cold', 'water:none']);
  });

  it('tells a burning bin from uncollected rubbish, and a late bus from a crowded, dirty or cancelled one', () => {
    expect(aspects('Горит помойка, дым во дворе')).toEqual(['waste:fire']);
    expect(aspects('Не вывозят мусор, баки переполнены')).toEqual(['waste:uncollected']);
    expect(aspects('Автобус 40 опаздывает')).toEqual(['bus:late']);
    expect(aspects('Автобус 40 битком')).toEqual(['bus:crowded']);
    expect(aspects('В автобусе 40 грязно')).toEqual(['bus:dirty']);
    expect(aspects('Отменили маршрут 40')).toEqual(['bus:cancelled']);
  });

  it('reads «холодной едой» as meals and «холодно в классах» as cold, only about a school or kindergarten', () => {
    expect(aspects('В школе детей кормят холодной едой')).toEqual(['care:meals']);
    expect(aspects('В школе холодно в классах')).toEqual(['care:cold']);
    expect(aspects('В подъезде холодно')).toEqual([]);
    // No kind named (water, waste, bus, school): «грязно» alone is no aspect.
    expect(aspects('Грязно во дворе')).toEqual([]);
  });
});

describe('guessedStreetKey', () => {
  it('meets word forms of a guessed street and refuses a guess that is no name', () => {
    expect(guessedStreetKey(analyze('улица Светлой').stems)).toBe(guessedStreetKey(analyze('улица Светлая').stems));
    expect(guessedStreetKey(analyze('улица Светлой').stems)).not.toBe(guessedStreetKey(analyze('улица Тополиной').stems));
    expect(guessedStreetKey(analyze('улица Без').stems)).toBeNull();
  });
});
