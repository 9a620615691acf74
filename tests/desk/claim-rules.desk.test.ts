/** Pure rules of the misinformation desk: statuses, verdicts, reach and priority, acceleration, matching. */
import { describe, expect, it } from 'vitest';
import { canMoveStatus, isAccelerating, queuePriority, reachOf, riskFromVerdict, verdictNeedsEvidence, warningText } from '../../src/domain/claim';
import { regionPlaces } from '../../src/services/claim-matcher.service';
import { loadRegion } from '../../src/services/gazetteer.service';
import { bandOf, claimFingerprint, claimSimilarity, DEFAULT_MATCH_BANDS } from '../../src/text/claim-similarity';

const places = regionPlaces(loadRegion('omsk'));
const sim = (a: string, b: string) => claimSimilarity(claimFingerprint(a, { places }), claimFingerprint(b, { places }));

describe('claim workflow', () => {
  it('moves unstarted → in progress, reopens a verdict, and never jumps to a verdict by hand', () => {
    expect(canMoveStatus('unstarted', 'in_progress')).toBe(true);
    expect(canMoveStatus('verdict', 'in_progress')).toBe(true);
    expect(canMoveStatus('in_progress', 'verdict')).toBe(false);
    expect(canMoveStatus('unstarted', 'verdict')).toBe(false);
  });

  it('asks evidence of false and manipulation, and sets risk from the verdict', () => {
    expect(verdictNeedsEvidence('false')).toBe(true);
    expect(verdictNeedsEvidence('manipulation')).toBe(true);
    expect(verdictNeedsEvidence('unverifiable')).toBe(false);
    expect(riskFromVerdict('false')).toBe(1);
    expect(riskFromVerdict('true')).toBe(0);
    expect(riskFromVerdict('unverifiable')).toBeNull();
  });

  it('writes the warning with claim, verdict, debunk and sources', () => {
    const text = warningText({ title: 'Вода отравлена' }, { value: 'false', debunk: 'Вода в норме.', evidence: [{ kind: 'official_source', url: 'https://gov.example/1', title: 'Заявление', publisher: 'Минздрав' }], analyst: { id: 'u', username: 'desk' }, at: '2026-01-01T00:00:00Z' });
    expect(text).toContain('«Вода отравлена»');
    expect(text).toContain('Вердикт: Ложь');
    expect(text).toContain('Минздрав: Заявление https://gov.example/1');
  });
});

describe('queue ranking and spread', () => {
  it('reach counts views and weighs reposts over comments over likes', () => {
    expect(reachOf(undefined)).toBe(0);
    expect(reachOf({ views: 100, likes: 1, comments: 1, reposts: 1 })).toBe(114);
  });

  it('priority grows with risk, reach and velocity', () => {
    const base = queuePriority(0.5, 100, 1);
    expect(queuePriority(0.9, 100, 1)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 10_000, 1)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 100, 20)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 0, 0)).toBeGreaterThan(0);
  });

  it('a claim accelerates at N copies an hour, more than the hour before', () => {
    expect(isAccelerating(10, 3, 10)).toBe(true);
    expect(isAccelerating(9, 3, 10)).toBe(false);
    expect(isAccelerating(10, 12, 10)).toBe(false);
  });
});

describe('claim matching', () => {
  const rumour = 'СРОЧНО! В Омске отравлена вода в водопроводе, уже 40 человек в реанимации, не пейте из-под крана';
  it('links a copy, suggests a retelling', () => {
    expect(bandOf(sim(rumour, 'срочно в омске отравили воду в водопроводе, 40 человек в реанимации!!! не пейте из крана, перешлите').score, DEFAULT_MATCH_BANDS)).toBe('link');
    expect(bandOf(sim(rumour, 'Омичи, водопроводную воду лучше не пить — её отравили, человек 40 лежат в реанимации, об этом молчат').score, DEFAULT_MATCH_BANDS)).not.toBeNull();
  });

  it('keeps apart another town, another number, and the official denial', () => {
    const tara = sim(rumour, 'СРОЧНО! В Таре отравлена вода в водопроводе, уже 40 человек в реанимации, не пейте из-под крана');
    expect(tara.reasons).toContain('places_differ');
    expect(bandOf(tara.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
    const other = sim('На улице Гагарина 12 утечка газа, жильцов выселяют', 'На улице Гагарина 40 утечка газа, жильцов выселяют');
    expect(other.reasons).toContain('numbers_differ');
    expect(bandOf(other.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
    const denial = sim(rumour, 'Информация об отравлении воды в водопроводе Омска — фейк, в реанимации отравившихся нет');
    expect(denial.reasons).toContain('debunk_vs_claim');
    expect(bandOf(denial.score, DEFAULT_MATCH_BANDS)).toBeNull();
  });

  it('reads numbers written in words and with thousands separated', () => {
    const r = sim('Семьям с детьми выплатят 15 000 рублей через Госуслуги', 'семьям с детьми дадут 15 тысяч рублей через госуслуги');
    expect(r.reasons).toContain('numbers_match');
  });
});
