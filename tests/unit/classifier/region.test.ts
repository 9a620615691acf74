import { describe, expect, it } from 'vitest';
import { createPlaceResolver } from '../../../src/classifier/place';
import { createGazetteer, isAdjectiveLike, loadRegion } from '../../../src/services/gazetteer.service';
import { analyze } from '../../../src/text/analyze';

const gazetteer = createGazetteer(loadRegion('omsk'));
const place = createPlaceResolver(gazetteer);
const at = (text: string) => place.resolve(analyze(text).normalized);

describe('region: generic words do not name a municipality', () => {
  it.each([
    'Не работает доводчик входной двери в 3 парадной, Санкт-Петербург',
    'Крысы в подвале! 2 парадная дома 22 по Шевченко',
    'В парке Сосновка скопление мусора',
    'Береговой откос размыло у набережной Фонтанки',
    'Магистральный фильтр стоит, а вода всё равно коричневая',
  ])('%s → unknown', (text) => {
    expect(at(text)).toMatchObject({ municipality: 'region', municipalitySource: 'unknown' });
  });

  it('still finds the settlement after a settlement word or before «район»', () => {
    expect(gazetteer.detect('в пос. входной нет воды')).toBe('omsk');
    expect(gazetteer.detect('с. сосновка второй день без света')).not.toBeNull();
    expect(gazetteer.detect('в таре опять нет света')).toBe('tara');
  });

  it('takes adjective-like one-word names as generic', () => {
    expect(isAdjectiveLike('береговой')).toBe(true);
    expect(isAdjectiveLike('азово')).toBe(false);
    expect(isAdjectiveLike('старый кировск')).toBe(false);
  });
});
