/**
 * The misinformation desk (`/desk/`): the queue of risky posts ranked by risk × reach × velocity,
 * the claim view (posts, spread chart, verdict form with evidence, warning pack, suggestions to
 * confirm) and the suggestions across claims. Keyboard-driven (one handler, `keys.ts`); filters
 * live in the URL; misinformation incidents on the shell's live feed refresh the lists.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { ClaimDetailDto, QueueItemDto, SuggestionDto } from '../../../src/contracts/desk';
import { CLAIM_STATUS_TITLES_RU, EVIDENCE_KINDS, VERDICT_TITLES_RU, VERDICTS, verdictNeedsEvidence, type EvidenceKind, type Verdict } from '../../../src/domain/claim';
import { confirm } from '../../shared/components/confirm';
import { createForm, Field, FormError } from '../../shared/components/form';
import { ExternalLink } from '../../shared/components/link';
import { EmptyState } from '../../shared/components/states';
import { feed, session, toasts } from '../../shared/context';
import { keyAction } from './keys';
import { createDeskModel, type DeskFilter, type DeskModel } from './model';
import { SpreadChart } from './spread-chart';

const EVIDENCE_TITLES: Record<EvidenceKind, string> = {
  official_source: 'Официальный источник',
  document: 'Документ',
  organisation_statement: 'Заявление организации',
  other: 'Другое',
};

const num = new Intl.NumberFormat('ru-RU');
const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('ru-RU');
};

function Kbd({ k }: { k: string }) {
  return <kbd>{k}</kbd>;
}

// ── Lists ─────────────────────────────────────────────────────────────────────────────────────

function QueueRow({ item, index, selected, onPick }: { item: QueueItemDto; index: number; selected: boolean; onPick: (i: number) => void }) {
  const c = item.claim;
  return (
    <li class="desk-item" role="option" id={`q-${index}`} aria-selected={selected} data-post-id={item.postId} data-index={index} onClick={() => onPick(index)}>
      <div class="desk-item__head">
        <span class="desk-item__priority" title="риск × охват × скорость">
          {item.priority.toFixed(2)}
        </span>
        <span class="desk-item__risk">риск {Math.round(item.risk * 100)}%</span>
        <span>охват {num.format(item.reach)}</span>
        <span>{item.velocity} коп./ч</span>
        <span class="desk-muted">
          {item.network} · {item.municipalityName}
        </span>
        {c && <span class={`desk-badge desk-badge--${c.verdict ?? 'none'}`}>{c.verdict ? VERDICT_TITLES_RU[c.verdict] : CLAIM_STATUS_TITLES_RU[c.status]}</span>}
      </div>
      <p class="desk-item__text">{item.text.length > 280 ? `${item.text.slice(0, 279)}…` : item.text}</p>
    </li>
  );
}

function SuggestionRow({ s, index, selected, onPick }: { s: SuggestionDto; index: number; selected: boolean; onPick: (i: number) => void }) {
  return (
    <li class="desk-item" role="option" id={`s-${index}`} aria-selected={selected} data-post-id={s.postId} data-claim-id={s.claimId} data-index={index} onClick={() => onPick(index)}>
      <div class="desk-item__head">
        <span class="desk-item__priority" title="сходство">
          {Math.round(s.similarity * 100)}%
        </span>
        <span>→ {s.claimTitle}</span>
      </div>
      <p class="desk-item__text">{s.text}</p>
    </li>
  );
}

function Lists({ model }: { model: DeskModel }) {
  const tab = model.tab.value;
  const selected = model.selected.value;
  const pick = (i: number): void => {
    model.select(i);
    model.openSelected();
  };
  useEffect(() => {
    document.querySelector(`#${tab === 'queue' ? 'queue' : 'suggestions'} [aria-selected="true"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [tab, selected]);
  const queue = model.queue.value;
  const suggestions = model.suggestions.value;
  const empty = (tab === 'queue' ? queue : suggestions).length === 0 && !model.loading.value;
  return (
    <section class="desk-list" aria-label="Очередь">
      {tab === 'queue' ? (
        <ol id="queue" class="desk-queue" role="listbox" aria-label="Подозрительные публикации" aria-activedescendant={queue.length ? `q-${selected}` : undefined}>
          {queue.map((item, i) => (
            <QueueRow key={item.postId} item={item} index={i} selected={i === selected} onPick={pick} />
          ))}
        </ol>
      ) : (
        <ol id="suggestions" class="desk-queue" role="listbox" aria-label="Похожие публикации" aria-activedescendant={suggestions.length ? `s-${selected}` : undefined}>
          {suggestions.map((s, i) => (
            <SuggestionRow key={`${s.claimId}/${s.postId}`} s={s} index={i} selected={i === selected} onPick={pick} />
          ))}
        </ol>
      )}
      {empty && <EmptyState id="empty" title={tab === 'queue' ? 'Нет публикаций выше порога риска' : 'Похожих публикаций на проверку нет'} />}
    </section>
  );
}

function Filters({ model }: { model: DeskModel }) {
  const f = model.filter.value;
  const meta = model.meta.value;
  const change = (key: keyof DeskFilter) => (ev: Event) =>
    model.applyFilter({
      ...f,
      [key]: (ev.currentTarget as HTMLSelectElement).value,
    } as DeskFilter);
  return (
    <form id="filters" class="desk-filters" noValidate onSubmit={(e) => e.preventDefault()}>
      <label class="field">
        <span class="field__label">Отрасль</span>
        <select id="f-sector" value={f.sector} onChange={change('sector')}>
          <option value="">все</option>
          {meta?.sectors.map((s) => (
            <option key={s.code} value={s.code}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field__label">Муниципалитет</span>
        <select id="f-municipality" value={f.municipality} onChange={change('municipality')}>
          <option value="">все</option>
          {meta?.municipalities.map((m) => (
            <option key={m.code} value={m.code}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field__label">Сеть</span>
        <select id="f-network" value={f.network} onChange={change('network')}>
          <option value="">все</option>
          {meta?.networks.map((n) => (
            <option key={n.code} value={n.code}>
              {n.title}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field__label">Показать</span>
        <select id="f-status" value={f.status} onChange={change('status')}>
          <option value="open">без вердикта</option>
          <option value="all">все</option>
        </select>
      </label>
    </form>
  );
}

// ── Claim view ────────────────────────────────────────────────────────────────────────────────

type Post = ClaimDetailDto['posts'][number];

function PostRow({ post, claimId, suggestion, model }: { post: Post; claimId: string; suggestion: boolean; model: DeskModel }) {
  const canLink = model.canLink.value;
  return (
    <li class="desk-post" data-post-id={post.postId} data-kind={post.kind}>
      <div class="desk-item__head">
        <span>
          {post.network} · {when(post.publishedAt)}
        </span>
        <span>сходство {Math.round(post.similarity * 100)}%</span>
        <span>охват {num.format(post.reach)}</span>
        <ExternalLink href={post.url} label="открыть" class="desk-link" />
      </div>
      <p class="desk-item__text">{post.text}</p>
      {canLink && suggestion && (
        <div class="desk-actions">
          <button type="button" class="btn btn--primary" onClick={() => void model.decide(claimId, post.postId, true)}>
            Та же <Kbd k="a" />
          </button>
          <button type="button" class="btn btn--ghost" onClick={() => void model.decide(claimId, post.postId, false)}>
            Другое <Kbd k="r" />
          </button>
        </div>
      )}
      {canLink && !suggestion && post.kind !== 'seed' && (
        <div class="desk-actions">
          <button
            type="button"
            class="btn btn--ghost"
            onClick={() =>
              void confirm({
                title: 'Отвязать публикацию от утверждения?',
                text: post.text.slice(0, 200),
                action: 'Отвязать',
                danger: true,
              }).then((ok) => (ok ? model.unlink(claimId, post.postId) : undefined))
            }
          >
            Отвязать
          </button>
        </div>
      )}
    </li>
  );
}

interface EvidenceRow {
  kind: EvidenceKind;
  url: string;
  title: string;
  publisher: string;
}
const emptyRow = (): EvidenceRow => ({
  kind: 'official_source',
  url: '',
  title: '',
  publisher: '',
});
const filled = (r: EvidenceRow): boolean => Boolean(r.url.trim() || r.title.trim() || r.publisher.trim());

function VerdictForm({ detail, model }: { detail: ClaimDetailDto; model: DeskModel }) {
  const c = detail.claim;
  const form = useMemo(
    () =>
      createForm(
        {
          verdict: (c.verdict?.value ?? 'false') as Verdict,
          debunk: c.verdict?.debunk ?? '',
          evidence: [emptyRow()] as EvidenceRow[],
        },
        {
          fields: (v) => ['verdict', 'debunk', ...v.evidence.flatMap((_, i) => ['kind', 'url', 'title', 'publisher'].map((k) => `evidence.${i}.${k}`)), 'evidence'],
        },
      ),
    [c.id],
  );
  const v = form.values.value;
  const errors = form.errors.value;
  const setRow = (i: number, patch: Partial<EvidenceRow>): void =>
    form.set(
      'evidence',
      v.evidence.map((r, j) => (j === i ? { ...r, ...patch } : r)),
    );

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    // Empty rows are not sent; the rest keep their order, so the server's `evidence.N` is row N.
    const rows = v.evidence.filter(filled);
    form.set('evidence', rows.length > 0 ? rows : [emptyRow()]);
    if (verdictNeedsEvidence(v.verdict) && rows.length === 0) {
      form.formError.value = `Для вердикта «${VERDICT_TITLES_RU[v.verdict]}» нужно хотя бы одно доказательство.`;
      return;
    }
    await form.submit((values) =>
      model.recordVerdict(c.id, {
        verdict: values.verdict,
        debunk: values.debunk,
        evidence: rows.map((r) => ({
          kind: r.kind,
          url: r.url.trim(),
          title: r.title.trim(),
          ...(r.publisher.trim() ? { publisher: r.publisher.trim() } : {}),
        })),
      }),
    );
  };

  return (
    <form id="verdict-form" class="desk-verdict" noValidate onSubmit={(e) => void submit(e)}>
      <h3>
        {c.verdict ? 'Изменить вердикт' : 'Вердикт'} <Kbd k="v" />
      </h3>
      <Field id="verdict-value" label="Вердикт" error={errors.verdict}>
        <select id="verdict-value" name="verdict" value={v.verdict} onChange={(e) => form.set('verdict', (e.currentTarget as HTMLSelectElement).value as Verdict)}>
          {VERDICTS.map((x) => (
            <option key={x} value={x}>
              {VERDICT_TITLES_RU[x]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="verdict-debunk" label="Опровержение (коротко, для официальных страниц)" error={errors.debunk}>
        <textarea id="verdict-debunk" name="debunk" rows={4} maxLength={4000} value={v.debunk} onInput={(e) => form.set('debunk', (e.currentTarget as HTMLTextAreaElement).value)} />
      </Field>
      <div class="desk-evidence-list">
        {v.evidence.map((r, i) => (
          <fieldset key={i} class="desk-evidence">
            <legend>Доказательство {v.evidence.length > 1 ? i + 1 : ''}</legend>
            <Field id={`ev-${i}-kind`} label="Вид" error={errors[`evidence.${i}.kind`]}>
              <select
                id={`ev-${i}-kind`}
                name="kind"
                value={r.kind}
                onChange={(e) =>
                  setRow(i, {
                    kind: (e.currentTarget as HTMLSelectElement).value as EvidenceKind,
                  })
                }
              >
                {EVIDENCE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {EVIDENCE_TITLES[k]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`ev-${i}-url`} label="Ссылка" error={errors[`evidence.${i}.url`]}>
              <input
                id={`ev-${i}-url`}
                name="url"
                type="url"
                maxLength={2000}
                placeholder="https://…"
                value={r.url}
                onInput={(e) =>
                  setRow(i, {
                    url: (e.currentTarget as HTMLInputElement).value,
                  })
                }
              />
            </Field>
            <Field id={`ev-${i}-title`} label="Название" error={errors[`evidence.${i}.title`]}>
              <input
                id={`ev-${i}-title`}
                name="title"
                type="text"
                maxLength={300}
                value={r.title}
                onInput={(e) =>
                  setRow(i, {
                    title: (e.currentTarget as HTMLInputElement).value,
                  })
                }
              />
            </Field>
            <Field id={`ev-${i}-publisher`} label="Кто опубликовал" error={errors[`evidence.${i}.publisher`]}>
              <input
                id={`ev-${i}-publisher`}
                name="publisher"
                type="text"
                maxLength={300}
                value={r.publisher}
                onInput={(e) =>
                  setRow(i, {
                    publisher: (e.currentTarget as HTMLInputElement).value,
                  })
                }
              />
            </Field>
          </fieldset>
        ))}
      </div>
      {errors.evidence && (
        <p class="form-error" role="alert">
          {errors.evidence}
        </p>
      )}
      <button type="button" class="btn btn--ghost" onClick={() => form.set('evidence', [...v.evidence, emptyRow()])}>
        + доказательство
      </button>
      <FormError form={form} id="verdict-message" />
      <button type="submit" class="btn btn--primary" disabled={form.busy.value}>
        Сохранить вердикт
      </button>
    </form>
  );
}

function ClaimView({ detail, model }: { detail: ClaimDetailDto; model: DeskModel }) {
  const c = detail.claim;
  const id = encodeURIComponent(c.id);
  return (
    <>
      <h2 id="claim-title" class="desk-claim__title" tabIndex={-1}>
        {c.title}
      </h2>
      <div class="desk-item__head">
        <span class={`desk-badge desk-badge--${c.verdict?.value ?? 'none'}`}>{c.verdictTitle ?? CLAIM_STATUS_TITLES_RU[c.status]}</span>
        <span class="desk-muted">
          {c.municipalityName} · {c.id}
        </span>
      </div>
      {c.verdict && (
        <section class="desk-verdict-view">
          <p>{c.verdict.debunk}</p>
          <ul>
            {c.verdict.evidence.map((e, i) => (
              <li key={i}>
                <ExternalLink href={e.url} label={`${e.publisher ? `${e.publisher}: ` : ''}${e.title}`} class="desk-link" />
              </li>
            ))}
          </ul>
          <p class="desk-muted">
            {c.verdict.analyst.username}, {when(c.verdict.at)}
          </p>
          <p id="warning-pack">
            Предупреждение:{' '}
            <a class="desk-link" href={`/api/desk/claims/${id}/warning?format=text`} download>
              текст
            </a>{' '}
            ·{' '}
            <a class="desk-link" href={`/api/desk/claims/${id}/warning`} target="_blank" rel="noopener noreferrer">
              JSON
            </a>
          </p>
        </section>
      )}
      <SpreadChart spread={detail.spread} />
      {detail.suggestions.length > 0 && (
        <>
          <h3>Похожие — подтвердите ({detail.suggestions.length})</h3>
          <ol id="claim-suggestions" class="desk-posts">
            {detail.suggestions.map((p) => (
              <PostRow key={p.postId} post={p} claimId={c.id} suggestion model={model} />
            ))}
          </ol>
        </>
      )}
      <h3>Публикации ({detail.posts.length})</h3>
      <ol id="claim-posts" class="desk-posts">
        {detail.posts.map((p) => (
          <PostRow key={p.postId} post={p} claimId={c.id} suggestion={false} model={model} />
        ))}
      </ol>
      {model.canJudge.value && <VerdictForm key={c.id} detail={detail} model={model} />}
    </>
  );
}

function NewClaim({ item, model }: { item: QueueItemDto; model: DeskModel }) {
  const form = useMemo(
    () =>
      createForm({
        title: (item.text.split(/(?<=[.!?])\s/)[0] ?? item.text).slice(0, 200),
      }),
    [item.postId],
  );
  return (
    <>
      <h2>Публикация</h2>
      <div class="desk-item__head">
        <span>риск {Math.round(item.risk * 100)}%</span>
        <span>{item.riskReasons.join(', ')}</span>
        <ExternalLink href={item.url} label="открыть" class="desk-link" />
      </div>
      <p class="desk-item__text">{item.text}</p>
      {model.canLink.value ? (
        <form
          id="claim-new"
          class="desk-verdict"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void form.submit((v) => model.createClaim(v.title, item.postId));
          }}
        >
          <h3>
            Новое утверждение <Kbd k="n" />
          </h3>
          <Field id="claim-new-title" label="Что утверждается (одной фразой)" error={form.errors.value.title}>
            <input id="claim-new-title" type="text" maxLength={500} required value={form.values.value.title} onInput={(e) => form.set('title', (e.currentTarget as HTMLInputElement).value)} />
          </Field>
          <FormError form={form} id="claim-new-message" />
          <button type="submit" class="btn btn--primary" disabled={form.busy.value}>
            Создать утверждение
          </button>
        </form>
      ) : (
        <p class="desk-muted">Создавать утверждения может руководитель направления.</p>
      )}
    </>
  );
}

function Detail({ model }: { model: DeskModel }) {
  const d = model.detail.value;
  return (
    <section id="detail" class="desk-detail" aria-label="Утверждение" aria-live="polite">
      {d?.kind === 'claim' && <ClaimView detail={d.claim} model={model} />}
      {d?.kind === 'post' && <NewClaim item={d.item} model={model} />}
      {!d && (
        <p class="desk-muted">
          Выберите публикацию в очереди (<Kbd k="j" />/<Kbd k="k" />, <Kbd k="Enter" />)
        </p>
      )}
    </section>
  );
}

// ── Page ──────────────────────────────────────────────────────────────────────────────────────

function useDeskKeys(model: DeskModel): void {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const action = keyAction(ev);
      if (!action) return;
      switch (action) {
        case 'next':
          model.select(model.selected.peek() + 1);
          break;
        case 'prev':
          model.select(model.selected.peek() - 1);
          break;
        case 'open':
          model.openSelected();
          break;
        case 'new':
          model.openSelected({ focusNew: true });
          break;
        case 'verdict':
          document.getElementById('verdict-debunk')?.focus();
          break;
        case 'accept':
        case 'reject':
          model.decideFirst(action === 'accept');
          break;
        case 'queue':
        case 'suggestions':
          model.setTab(action);
          break;
        case 'leave-field':
          (ev.target as HTMLElement).blur();
          break;
        case 'close':
          model.close();
          break;
      }
      ev.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [model]);
}

export default function DeskPage() {
  const model = useMemo(() => createDeskModel({ feed, session, toasts }), []);
  useEffect(() => model.start(), [model]);
  useDeskKeys(model);
  // Focus what an action asked for once it is rendered (`n`: the new claim's title).
  const focusId = model.focus.value;
  useEffect(() => {
    if (!focusId) return;
    const el = document.getElementById(focusId);
    if (el) {
      el.focus();
      model.focus.value = null;
    }
  });

  const tab = model.tab.value;
  const threshold = model.threshold.value;
  const suggestionCount = model.suggestions.value.length;
  return (
    <div class="desk">
      <div class="page-head">
        <h1 class="page__title">Недостоверная информация</h1>
        <span id="summary" class="stat" aria-live="polite">
          {threshold === null ? '' : `В очереди: ${model.queue.value.length} (порог риска ${Math.round(threshold * 100)}%)`}
        </span>
      </div>

      {model.alerts.value.length > 0 && (
        <section id="alerts" class="desk-alerts" role="alert">
          {model.alerts.value.map((a) => (
            <button key={a.claimId} type="button" class="desk-alert" data-claim-id={a.claimId} onClick={() => void model.openClaim(a.claimId)}>
              Ускоряется: «{a.title}» — {VERDICT_TITLES_RU[a.verdict]}; {a.copiesLastHour} копий за час (было {a.copiesPreviousHour}, порог {a.threshold})
            </button>
          ))}
        </section>
      )}

      <nav class="desk-tabs" aria-label="Разделы">
        <button id="tab-queue" type="button" class="desk-tab" aria-pressed={tab === 'queue'} onClick={() => model.setTab('queue')}>
          Очередь <Kbd k="q" />
        </button>
        <button id="tab-suggestions" type="button" class="desk-tab" aria-pressed={tab === 'suggestions'} onClick={() => model.setTab('suggestions')}>
          Похожие публикации <span id="suggestion-count">{suggestionCount > 0 ? `(${suggestionCount})` : ''}</span> <Kbd k="s" />
        </button>
        <span class="desk-keys" id="desk-keys">
          <Kbd k="j" />/<Kbd k="k" /> выбор · <Kbd k="Enter" /> открыть · <Kbd k="n" /> новое · <Kbd k="v" /> вердикт · <Kbd k="a" />/
          <Kbd k="r" /> принять/отклонить похожую · <Kbd k="Esc" /> назад
        </span>
      </nav>

      {tab === 'queue' && <Filters model={model} />}

      {model.error.value && (
        <p id="page-message" class="page-message" role="alert">
          {model.error.value}
        </p>
      )}

      <div class="desk-main">
        <Lists model={model} />
        <Detail model={model} />
      </div>
    </div>
  );
}
