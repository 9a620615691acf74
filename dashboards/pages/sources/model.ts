/**
 * The sources page's model: the registry with each source's health (refreshed every 15 s while
 * the page is open), the filters (in the URL), the editor, and the webhook secret shown once.
 */
import { computed, signal } from '@preact/signals';
import type { SourceHealthView, SourceKindCode, SourceView } from '../../../src/contracts/sources';
import { api, ApiError, type Body } from '../../shared/api';
import { confirm } from '../../shared/components/confirm';
import { createForm } from '../../shared/components/form';
import { toasts } from '../../shared/context';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';

/** How often health is refreshed. */
export const REFRESH_MS = 15_000;

export const KIND_TITLES: Record<SourceKindCode, string> = {
  vk_wall: 'ВКонтакте: стена',
  vk_search: 'ВКонтакте: поиск',
  telegram_channel: 'Telegram-канал',
  ok_group: 'Одноклассники: группа',
  max_chat: 'MAX: чат',
  rss: 'RSS / Дзен',
  webhook: 'Обращения (вебхук)',
};
export const KINDS = Object.keys(KIND_TITLES) as SourceKindCode[];

export interface SettingField {
  name: string;
  label: string;
  type: 'text' | 'number' | 'url' | 'checkbox' | 'select';
  placeholder?: string;
  options?: [value: string, title: string][];
  attrs?: Record<string, string | number>;
}

/** The settings each kind asks for (the server validates them per kind). */
export const SETTING_FIELDS: Record<SourceKindCode, SettingField[]> = {
  vk_wall: [
    { name: 'owner', label: 'Сообщество или страница ВКонтакте (короткое имя, id или ссылка)', type: 'text', placeholder: 'omsk_adm или -123456' },
    { name: 'comments', label: 'Собирать комментарии', type: 'checkbox' },
  ],
  vk_search: [
    { name: 'query', label: 'Поисковый запрос', type: 'text', attrs: { maxLength: 200 } },
    { name: 'latitude', label: 'Широта (необязательно)', type: 'number', attrs: { step: 'any', min: -90, max: 90 } },
    { name: 'longitude', label: 'Долгота (необязательно)', type: 'number', attrs: { step: 'any', min: -180, max: 180 } },
  ],
  telegram_channel: [{ name: 'channel', label: 'Публичный канал Telegram (имя или ссылка t.me)', type: 'text', placeholder: 'omsk_news' }],
  ok_group: [
    { name: 'groupId', label: 'Числовой id группы Одноклассников', type: 'text', attrs: { inputMode: 'numeric' } },
    { name: 'comments', label: 'Собирать комментарии', type: 'checkbox' },
  ],
  max_chat: [{ name: 'chatId', label: 'Числовой id чата или канала MAX (бот центра должен быть участником)', type: 'text' }],
  rss: [
    { name: 'url', label: 'Адрес RSS/Atom-ленты (http или https)', type: 'url', placeholder: 'https://example.ru/rss' },
    {
      name: 'flavour',
      label: 'Вид',
      type: 'select',
      options: [
        ['', 'определить по адресу'],
        ['news', 'новостной сайт'],
        ['dzen', 'канал Дзена'],
      ],
    },
  ],
  webhook: [{ name: 'senderId', label: 'Идентификатор отправителя (латиница, цифры, - и _)', type: 'text', placeholder: 'pos-omsk' }],
};

export interface EditorValues extends Record<string, unknown> {
  kind: SourceKindCode;
  title: string;
  municipality: string;
  pollIntervalSec: string;
  official: boolean;
  organisation: string;
  settings: Record<string, string | boolean>;
}

export const NEW_SOURCE: EditorValues = { kind: 'vk_wall', title: '', municipality: 'region', pollIntervalSec: '', official: false, organisation: '', settings: {} };

/** The editor's values for a stored source. */
export function valuesOf(source: SourceView): EditorValues {
  const st = source.settings as Record<string, unknown> & { geo?: { latitude: number; longitude: number } | null };
  const settings: Record<string, string | boolean> = {};
  for (const f of SETTING_FIELDS[source.kind]) {
    const v = f.name === 'latitude' || f.name === 'longitude' ? st.geo?.[f.name] : st[f.name];
    settings[f.name] = f.type === 'checkbox' ? v === true : v === undefined || v === null ? '' : String(v as string | number);
  }
  return {
    kind: source.kind,
    title: source.title,
    municipality: source.municipality,
    pollIntervalSec: source.pollIntervalSec ? String(source.pollIntervalSec) : '',
    official: Boolean(source.official),
    organisation: source.official?.organisation ?? '',
    settings,
  };
}

/** The settings object the API takes, from the editor's strings. */
export function settingsBody(kind: SourceKindCode, values: Record<string, string | boolean>, editing: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let latitude = '';
  let longitude = '';
  for (const f of SETTING_FIELDS[kind]) {
    const v = values[f.name];
    if (f.type === 'checkbox') out[f.name] = v === true;
    else if (f.name === 'latitude') latitude = String(v ?? '').trim();
    else if (f.name === 'longitude') longitude = String(v ?? '').trim();
    else if (typeof v === 'string' && v.trim() !== '') out[f.name] = v.trim();
  }
  if (latitude || longitude) out.geo = { latitude: Number(latitude), longitude: Number(longitude) };
  // Editing merges over the stored settings: empty coordinates must say «no geo» explicitly.
  else if (kind === 'vk_search' && editing) out.geo = null;
  return out;
}

export type StatusFilter = '' | 'active' | 'paused' | 'alert';

export function createSourcesModel() {
  const views = signal<SourceHealthView[]>([]);
  const loaded = signal(false);
  const municipalities = signal(new Map<string, string>([['region', 'Вся область']]));
  const refreshedAt = signal<Date | null>(null);
  const stale = signal<string | null>(null);
  const actionError = signal<string | null>(null);
  /** The webhook sender secret, shown once after creation or rotation. */
  const secret = signal<{ sender: string; value: string } | null>(null);
  /** The editor: null closed; `source` null while adding. */
  const editor = signal<{ source: SourceView | null } | null>(null);
  const form = createForm<EditorValues>(NEW_SOURCE, {
    fields: (v) => ['title', 'municipality', 'pollIntervalSec', 'official', 'kind', ...SETTING_FIELDS[v.kind].map((f) => `settings.${f.name === 'latitude' || f.name === 'longitude' ? 'geo' : f.name}`), 'settings'],
    messages: (err) => (err.status === 404 ? 'Источник не найден — возможно, его уже удалили.' : null),
  });

  const kindFilter = computed(() => {
    const k = location.value.query.get('kind') ?? '';
    return (KINDS as string[]).includes(k) ? (k as SourceKindCode) : '';
  });
  const statusFilter = computed<StatusFilter>(() => {
    const s = location.value.query.get('status') ?? '';
    return s === 'active' || s === 'paused' || s === 'alert' ? s : '';
  });
  const shown = computed(() =>
    views.value.filter((v) => {
      const k = kindFilter.value;
      const s = statusFilter.value;
      return (!k || v.source.kind === k) && (!s || (s === 'alert' ? v.alert !== null : v.source.status === s));
    }),
  );
  const alerts = computed(() => views.value.filter((v) => v.alert).length);
  const active = computed(() => views.value.filter((v) => v.source.status === 'active').length);

  async function refresh(): Promise<void> {
    try {
      const res = await api('GET /api/sources/health');
      views.value = res.items;
      loaded.value = true;
      refreshedAt.value = new Date();
      stale.value = null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      stale.value = `Не удалось обновить состояние источников. ${errorText(err)}`;
    }
  }

  async function loadMeta(): Promise<void> {
    try {
      const m = await api('GET /api/meta');
      municipalities.value = new Map([['region', `${m.region.name} (вся область)`], ...m.municipalities.map((x) => [x.code, x.name] as [string, string])]);
    } catch {
      // Codes stay readable without names.
    }
  }

  async function act(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
      actionError.value = null;
    } catch (err) {
      actionError.value = err instanceof ApiError && err.status === 404 ? 'Источник не найден — возможно, его уже удалили.' : errorText(err);
    }
    await refresh();
  }

  const senderOf = (s: SourceView): string => String((s.settings.senderId as string | undefined) ?? s.id);

  return {
    views,
    loaded,
    shown,
    alerts,
    active,
    municipalities,
    refreshedAt,
    stale,
    actionError,
    secret,
    editor,
    form,
    kindFilter,
    statusFilter,
    refresh,
    /** Load and keep refreshing while the page is open; returns the cleanup. */
    start(): () => void {
      void loadMeta().then(refresh);
      const timer = setInterval(() => void refresh(), REFRESH_MS);
      return () => clearInterval(timer);
    },
    setFilter(kind: string, status: string): void {
      setQuery({ kind, status });
    },
    open(source: SourceView | null): void {
      form.reset(source ? valuesOf(source) : NEW_SOURCE);
      editor.value = { source };
    },
    close(): void {
      editor.value = null;
    },
    async save(): Promise<void> {
      const editing = editor.value?.source ?? null;
      const ok = await form.submit(async (v) => {
        const poll = v.pollIntervalSec.trim();
        const common = { title: v.title.trim(), municipality: v.municipality, settings: settingsBody(v.kind, v.settings, editing !== null) };
        if (editing) {
          const body = { ...common, official: v.official ? { organisation: v.organisation.trim() } : null, pollIntervalSec: poll ? Number(poll) : null };
          await api('PATCH /api/sources/:id', { params: { id: editing.id }, body: body as Body<'PATCH /api/sources/:id'> });
          toasts.success('Источник сохранён');
        } else {
          const body = { kind: v.kind, ...common, ...(v.official ? { official: { organisation: v.organisation.trim() } } : {}), ...(poll ? { pollIntervalSec: Number(poll) } : {}) };
          const res = await api('POST /api/sources', { body: body as Body<'POST /api/sources'> });
          if (res.secret) secret.value = { sender: senderOf(res.source), value: res.secret };
          toasts.success('Источник добавлен');
        }
      });
      if (!ok) return;
      editor.value = null;
      await refresh();
    },
    setStatus(s: SourceView, to: 'pause' | 'resume'): Promise<void> {
      return act(() => (to === 'pause' ? api('POST /api/sources/:id/pause', { params: { id: s.id } }) : api('POST /api/sources/:id/resume', { params: { id: s.id } })));
    },
    async remove(s: SourceView): Promise<void> {
      const ok = await confirm({
        title: `Удалить источник «${s.title}»?`,
        text: `Сбор из него прекратится, история состояния будет удалена.${s.kind === 'webhook' ? ' Секрет отправителя перестанет действовать.' : ''}`,
        action: 'Удалить',
        danger: true,
      });
      if (ok) await act(() => api('DELETE /api/sources/:id', { params: { id: s.id } }));
    },
    async rotate(s: SourceView): Promise<void> {
      const ok = await confirm({ title: `Выпустить новый секрет для «${s.title}»?`, text: 'Старый перестанет действовать сразу.', action: 'Выпустить' });
      if (ok)
        await act(async () => {
          const res = await api('POST /api/sources/:id/rotate-secret', { params: { id: s.id } });
          secret.value = { sender: senderOf(s), value: res.secret };
        });
    },
  };
}

export type SourcesModel = ReturnType<typeof createSourcesModel>;
