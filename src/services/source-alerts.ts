/**
 * Silence alerts: pure logic, clocks passed in. A source is silent when the time since its last
 * item is far beyond its usual rhythm (learnt by the health repository as an EWMA of the gaps
 * between non-empty pages):
 *
 *   threshold = min(max(k × usual gap, floor), cap)
 *
 * The floor keeps a busy source (a post a minute) from alerting after a quiet quarter of an hour;
 * the cap keeps a rarely posting one (a weekly digest) from being trusted silent for a month.
 * Until the rhythm has `minSamples` gaps the cap applies. A stopped source (fatal error, bad
 * configuration) is always alerted; a paused one never.
 */
import type { Source } from '../domain/source';
import type { SourceHealth } from '../repositories/source-health.repository';

export interface SilencePolicy {
  /** How many usual gaps of silence make an alert. */
  k: number;
  floorMs: number;
  capMs: number;
  /** Gaps needed before the learnt rhythm is trusted. */
  minSamples: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_SILENCE_POLICY: SilencePolicy = { k: 4, floorMs: 30 * MINUTE, capMs: 3 * DAY, minSamples: 3 };

export interface SourceAlert {
  sourceId: string;
  /** `quota`: the token's daily budget of a method is spent; the source waits for the reset (a warning). */
  kind: 'stopped' | 'quota' | 'silent';
  /** For the administrator's page, in Russian. */
  reason: string;
  /** Since when: the stop, or the last item (creation when there never was one). */
  since: string;
}

/** How long a source may be quiet before it counts as silent. */
export function silenceThresholdMs(rhythm: { usualGapMs: number | null; gapSamples: number }, policy: SilencePolicy = DEFAULT_SILENCE_POLICY): number {
  if (rhythm.usualGapMs === null || rhythm.gapSamples < policy.minSamples) return policy.capMs;
  return Math.min(Math.max(policy.k * rhythm.usualGapMs, policy.floorMs), policy.capMs);
}

/** The alert a source raises now, or null. */
export function evaluateSource(
  source: Pick<Source, 'id' | 'status' | 'createdAt'>,
  health: Pick<SourceHealth, 'stopped' | 'lastItemAt' | 'usualGapMs' | 'gapSamples'> & Partial<Pick<SourceHealth, 'quota'>>,
  now: number,
  policy: SilencePolicy = DEFAULT_SILENCE_POLICY,
): SourceAlert | null {
  if (source.status === 'paused') return null;
  if (health.stopped) {
    return { sourceId: source.id, kind: 'stopped', since: health.stopped.at, reason: `Источник остановлен: ${stopReasonRu(health.stopped.reason)}. Нужна проверка администратора.` };
  }
  const paused = health.quota?.pausedUntil ? Date.parse(health.quota.pausedUntil) : NaN;
  if (paused > now && health.quota) {
    // Quiet on purpose: a quota pause is reported as such, never as silence.
    const spent = health.quota.methods.filter((m) => m.used >= m.limit).map((m) => `${m.method} ${m.used} из ${m.limit}`);
    const resume = new Date(paused + 3 * HOUR).toISOString().slice(11, 16);
    return {
      sourceId: source.id,
      kind: 'quota',
      since: health.quota.at,
      reason: `Суточная квота VK исчерпана (${spent.join(', ') || 'лимит методов'}): опрос приостановлен до ${resume} МСК, затем возобновится сам.`,
    };
  }
  const since = health.lastItemAt ?? source.createdAt;
  const quietMs = now - Date.parse(since);
  if (!(quietMs > 0)) return null;
  const threshold = silenceThresholdMs(health, policy);
  if (quietMs <= threshold) return null;
  const learnt = health.usualGapMs !== null && health.gapSamples >= policy.minSamples;
  const what = health.lastItemAt ? `Нет новых сообщений ${durationRu(quietMs)}` : `Ни одного сообщения за ${durationRu(quietMs)} с момента добавления`;
  const usual = learnt ? `обычно — раз в ${durationRu(health.usualGapMs ?? 0)}` : `ритм источника ещё не изучен, порог ${durationRu(threshold)}`;
  return { sourceId: source.id, kind: 'silent', since, reason: `${what} (${usual})` };
}

const STOP_KINDS_RU: Record<string, string> = {
  auth: 'токен недействителен или отозван',
  config: 'ошибка настройки',
  source_private: 'источник стал закрытым',
  source_deleted: 'источник удалён',
  source_blocked: 'источник заблокирован',
};

/** `kind: message` as recorded by the runner → Russian for the page (the technical part kept). */
export function stopReasonRu(recorded: string): string {
  const i = recorded.indexOf(':');
  const kind = i > 0 ? recorded.slice(0, i) : recorded;
  const ru = STOP_KINDS_RU[kind];
  return ru ? `${ru} (${recorded})` : recorded;
}

/** «3 ч 20 мин», «2 дн 4 ч», «45 мин», «меньше минуты». */
export function durationRu(ms: number): string {
  if (ms < MINUTE) return 'меньше минуты';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days} дн ${hours} ч` : `${days} дн`;
  if (hours > 0) return minutes > 0 ? `${hours} ч ${minutes} мин` : `${hours} ч`;
  return `${minutes} мин`;
}
