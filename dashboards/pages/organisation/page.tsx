/**
 * The responsible organisation's page (`/organisation/`): only the incidents routed to it, each
 * with both countdowns (interim and final answer), and the answer form with templates and the
 * «отписка» check shown before sending.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { DeskIncident } from '../../../src/contracts/response';
import { EmptyState, ErrorState } from '../../shared/components/states';
import { ExternalLink } from '../../shared/components/link';
import { toasts } from '../../shared/context';
import { formatFull, parseTime } from '../../shared/time';
import { countdowns, createAnswerForm, createOrganisationDeskModel, nextStage, type Countdown } from './model';

const STAGE_RU = { interim: 'Промежуточный ответ', final: 'Окончательный ответ' } as const;
const STATUS_RU: Record<string, string> = { routed: 'Направлено вам', answered: 'Дан ответ', closed: 'Закрыто', reopened: 'Возобновлено', taken: 'В работе', new: 'Новое' };

function Due({ c }: { c: Countdown }) {
  const text = c.answeredAt ? `дан ${formatFull(parseTime(c.answeredAt))}` : `до ${c.at} · ${c.left}`;
  return (
    <span class={`org-due org-due--${c.answeredAt ? 'done' : c.state}`} data-stage={c.stage}>
      <strong>{STAGE_RU[c.stage]}: </strong>
      {text}
    </span>
  );
}

function AnswerBox({ incident, onSent }: { incident: DeskIncident; onSent: () => void }) {
  const stage = nextStage(incident);
  const form = useMemo(() => createAnswerForm(() => incident), [incident]);
  const confirmFormal = useSignal(false);
  useEffect(() => void form.loadTemplates(), [form]);
  if (!stage) return null;
  const templates = form.templates.value.filter((t) => t.stage === stage);
  const v = form.verdict.value;

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const res = await form.send(stage, confirmFormal.value);
    if (res === 'formal') confirmFormal.value = true;
    if (res === 'sent') {
      confirmFormal.value = false;
      toasts.success(stage === 'interim' ? 'Промежуточный ответ отправлен' : 'Окончательный ответ отправлен');
      onSent();
    }
  };

  return (
    <form class="org-answer" onSubmit={(e) => void submit(e)}>
      <div class="org-answer__head">
        <strong>{STAGE_RU[stage]}</strong>
        {templates.length > 0 && (
          <label>
            Шаблон{' '}
            <select
              class="answer-template"
              onChange={(e) => {
                const t = templates.find((x) => x.id === (e.currentTarget as HTMLSelectElement).value);
                if (t) form.setText(t.text);
                confirmFormal.value = false;
              }}
            >
              <option value="">— выбрать —</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <textarea
        class="answer-text"
        rows={5}
        maxLength={4000}
        aria-label="Текст ответа"
        value={form.text.value}
        onInput={(e) => {
          form.setText((e.currentTarget as HTMLTextAreaElement).value);
          confirmFormal.value = false;
        }}
      />
      {v && (
        <div class={`answer-check ${v.formal ? 'answer-check--formal' : 'answer-check--ok'}`} role="status">
          {v.formal ? (
            <>
              <strong>Похоже на отписку.</strong>
              <ul class="answer-reasons">
                {v.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              <span>Уточните конкретные действия, сроки и ответственного. Можно отправить и так — ответ будет отмечен как формальный.</span>
            </>
          ) : (
            <span>Ответ содержит конкретику.</span>
          )}
        </div>
      )}
      {form.error.value && (
        <p class="org-answer__error" role="alert">
          {form.error.value}
        </p>
      )}
      <div class="org-answer__actions">
        <button type="button" class="btn answer-check-btn" disabled={form.busy.value} onClick={() => void form.check()}>
          Проверить
        </button>
        <button type="submit" class="btn btn--primary answer-send" disabled={form.busy.value}>
          {confirmFormal.value ? 'Всё равно отправить' : 'Отправить'}
        </button>
      </div>
    </form>
  );
}

function Card({ i, now, onSent }: { i: DeskIncident; now: number; onSent: () => void }) {
  return (
    <li class="org-card" data-id={i.id}>
      <div class="org-card__meta">
        <span>{i.municipalityName}</span>
        <span>{STATUS_RU[i.status] ?? i.status}</span>
        {i.routedAt && <span>{`направлено ${formatFull(parseTime(i.routedAt))}`}</span>}
        <ExternalLink href={i.url} label="источник" class="org-card__link" />
      </div>
      <p class="org-card__text">{i.text}</p>
      <div class="org-card__due">
        {countdowns(i, now).map((c) => (
          <Due key={c.stage} c={c} />
        ))}
      </div>
      {i.answers.length > 0 && (
        <ul class="org-card__answers">
          {i.answers.map((a) => (
            <li key={`${a.stage}-${a.at}`}>
              <span class="org-card__hint">{`${STAGE_RU[a.stage]} · ${formatFull(parseTime(a.at))}${a.by ? ` · ${a.by}` : ''}${a.formal ? ' · отмечен как формальный' : ''}`}</span>
              <div>{a.text}</div>
            </li>
          ))}
        </ul>
      )}
      <AnswerBox incident={i} onSent={onSent} />
    </li>
  );
}

export default function OrganisationPage() {
  const model = useMemo(createOrganisationDeskModel, []);
  const now = useSignal(Date.now());
  useEffect(() => {
    void model.load();
    const t = setInterval(() => (now.value = Date.now()), 30_000);
    return () => clearInterval(t);
  }, [model, now]);
  const reload = (): void => void model.load();

  return (
    <main class="org-desk">
      <header>
        <h1>{model.organisation.value ? model.organisation.value.name : 'Обращения организации'}</h1>
        <p class="org-card__hint">Обращения жителей, направленные вашей организации. Сроки считаются в рабочем времени.</p>
      </header>
      {model.error.value && <ErrorState id="org-error" title={model.error.value} onRetry={reload} />}
      {model.loaded.value && !model.error.value && model.items.value.length === 0 && <EmptyState id="org-empty" title="Обращений нет" hint="Здесь появятся обращения, направленные вашей организации." />}
      <ul id="org-incidents" class="org-list">
        {model.items.value.map((i) => (
          <Card key={`${i.id}:${i.version ?? ''}`} i={i} now={now.value} onSent={reload} />
        ))}
      </ul>
    </main>
  );
}
