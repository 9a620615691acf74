/**
 * The application shell: restores the session, shows the login form or the page the location
 * names, the navigation (only pages the role may open), the live-feed connection state, the user
 * and logout, and notifications. Every page mounts inside it and repeats none of this.
 */
import { useComputed, useSignal, useSignalEffect } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { feed, session, toasts } from './context';
import { Login } from './login';
import { matchPage, type PageDef } from './page';
import { location, onLinkClick } from './router';
import { ToastList } from './components/toasts';
import { ErrorState } from './components/states';
import { ConfirmHost } from './components/confirm';
import { NotificationBell } from './notifications';

const CONN_TEXT = { connecting: 'Подключение…', connected: 'Подключено', reconnecting: 'Переподключение…', offline: 'Нет связи' } as const;

export function Shell({ pages }: { pages: readonly PageDef[] }) {
  const page = useComputed(() => matchPage(pages, location.value.path));

  useEffect(() => {
    void session.restore();
  }, []);

  useSignalEffect(() => {
    document.title = page.value ? `Дозор — ${page.value.title}` : 'Дозор';
  });

  // Leaving the session closes the live feed.
  useSignalEffect(() => {
    if (session.status.value !== 'ready') feed.stop();
  });

  // A role that must enrol TOTP may do nothing else: the users page has the enrolment.
  useSignalEffect(() => {
    const info = session.info.value;
    if (info?.passwordChangeRequired && !location.value.path.startsWith('/users/')) window.location.assign('/users/#password');
    else if (info?.totpEnrolmentRequired && !location.value.path.startsWith('/users/')) window.location.assign('/users/#totp');
  });

  const status = session.status.value;
  return (
    <>
      {status === 'loading' && (
        <div id="boot" class="boot" role="status">
          Загрузка…
        </div>
      )}
      {status === 'anonymous' && <Login session={session} subtitle={page.value?.title ?? 'Центр управления регионом'} />}
      {status === 'ready' && <AppView pages={pages} page={page.value} />}
      <ToastList toasts={toasts} />
      <ConfirmHost />
    </>
  );
}

function AppView({ pages, page }: { pages: readonly PageDef[]; page: PageDef | null }) {
  const user = session.user.value;
  const state = feed.state.value;
  // Nothing but TOTP enrolment while it is pending.
  const nav = session.info.value?.totpEnrolmentRequired || session.info.value?.passwordChangeRequired ? [] : pages.filter((p) => p.nav && session.can(p.navPermission ?? p.permission));
  return (
    <div id="app-view" class="app">
      <header class="topbar">
        <div class="brand">
          <span class="brand__mark" aria-hidden="true">
            Д
          </span>
          <span class="brand__name">Дозор</span>
        </div>
        <nav class="nav" aria-label="Разделы">
          {nav.map((p) => (
            <a key={p.path} class="nav__link" href={p.path} aria-current={p === page ? 'page' : undefined} onClick={onLinkClick}>
              {p.nav}
            </a>
          ))}
        </nav>
        <div class="topbar__right">
          {state !== 'idle' && (
            <span id="conn-state" class="conn" data-state={state} role="status" aria-live="polite">
              <span class="conn__dot" aria-hidden="true" />
              <span class="conn__text">{CONN_TEXT[state]}</span>
            </span>
          )}
          <NotificationBell />
          <div class="user">
            <span id="user-name" class="user__name">
              {user?.displayName}
            </span>
            <span id="user-role" class="user__role">
              {session.roleTitle.value}
            </span>
          </div>
          <button id="logout" class="btn btn--ghost" type="button" onClick={() => void session.logout()}>
            Выйти
          </button>
        </div>
      </header>
      {(state === 'reconnecting' || state === 'offline') && (
        <div id="conn-banner" class="conn-banner" role="status">
          {state === 'offline'
            ? 'Нет связи с сервером. Новые инциденты появятся, когда связь восстановится.'
            : 'Связь прервалась, переподключаемся… Пропущенные инциденты догрузятся.'}
        </div>
      )}
      <Outlet page={page} />
    </div>
  );
}

/** The current page: not found, no access, loading its chunk, or the page itself. */
function Outlet({ page }: { page: PageDef | null }) {
  const loaded = useSignal<{ def: PageDef; view: ComponentType } | null>(null);
  const failed = useSignal<PageDef | null>(null);
  const allowed = page ? session.can(page.permission) : false;

  useEffect(() => {
    if (!page || !allowed || loaded.value?.def === page) return;
    let live = true;
    failed.value = null;
    page.load().then(
      (m) => {
        if (live) loaded.value = { def: page, view: m.default };
      },
      () => {
        if (live) failed.value = page;
      },
    );
    return () => {
      live = false;
    };
  }, [page, allowed]);

  if (!page) return <ErrorState id="page-missing" title="Страница не найдена" hint="Проверьте адрес или выберите раздел в меню." />;
  if (!allowed) return <ErrorState id="page-denied" title="Недостаточно прав" hint={page.deniedText ?? `Раздел «${page.title}» недоступен для вашей роли.`} />;
  if (failed.value === page) return <ErrorState id="page-failed" title="Не удалось загрузить раздел" hint="Проверьте подключение и обновите страницу." />;
  const current = loaded.value;
  if (!current || current.def !== page)
    return (
      <div class="boot" role="status">
        Загрузка…
      </div>
    );
  const View = current.view;
  return <View />;
}
