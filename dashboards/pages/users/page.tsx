/**
 * Users page (/users/): for everyone, TOTP enrolment — the page a role that must use TOTP is sent
 * to after its first login; for the technical administrator, account management (list, create,
 * edit role and scope, disable, reset password or TOTP). Names are rendered as text.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { UserView } from '../../../src/contracts/users';
import { ROLE_TITLES_RU, ROLES, type Role } from '../../../src/domain/access';
import type { Sector } from '../../../src/domain/sector';
import { Field, FormError } from '../../shared/components/form';
import { createTableState, DataTable, by, type Column } from '../../shared/components/table';
import { session } from '../../shared/context';
import { createUsersModel, generatePassword, type Notice, type UsersModel } from './model';

const roleTitle = (role: string): string => (ROLE_TITLES_RU as Record<string, string>)[role] ?? role;

function Message({ id, notice, cls }: { id: string; notice: Notice; cls: string }) {
  return notice ? (
    <p id={id} class={cls} data-kind={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
      {notice.text}
    </p>
  ) : null;
}

function PasswordSection({ model }: { model: UsersModel }) {
  const required = session.info.value?.passwordChangeRequired === true;
  const current = useRef<HTMLInputElement>(null);
  const next = useRef<HTMLInputElement>(null);
  return (
    <section id="password-section" class="panel" aria-labelledby="password-title">
      <h2 id="password-title">Смена пароля</h2>
      {required && (
        <p id="password-required" class="warn">
          Ваш пароль задал администратор: придумайте свой. Пока он не сменён, другие разделы недоступны.
        </p>
      )}
      <form
        id="password-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void model.changePassword(current.current?.value ?? '', next.current?.value ?? '').then((ok) => {
            if (ok && current.current && next.current) {
              current.current.value = '';
              next.current.value = '';
            }
          });
        }}
      >
        <label class="field field--inline">
          <span class="field__label">Текущий пароль</span>
          <input ref={current} id="pw-current" type="password" autocomplete="current-password" maxLength={256} />
        </label>
        <label class="field field--inline">
          <span class="field__label">Новый пароль</span>
          <input ref={next} id="pw-new" type="password" autocomplete="new-password" minLength={10} maxLength={256} />
        </label>
        <button id="pw-submit" class="btn btn--primary" type="submit">
          Сменить пароль
        </button>
      </form>
      <Message id="password-message" notice={model.passwordMessage.value} cls="message" />
    </section>
  );
}

function TotpSection({ model }: { model: UsersModel }) {
  const required = session.info.value?.totpEnrolmentRequired === true;
  const code = useRef<HTMLInputElement>(null);
  const setup = model.totp.value;
  const password = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (setup) code.current?.focus();
  }, [setup]);
  return (
    <section id="totp-section" class="panel" aria-labelledby="totp-title">
      <h2 id="totp-title">Двухфакторная аутентификация</h2>
      {required && (
        <p id="totp-required" class="warn">
          Для вашей роли вход с кодом из приложения-аутентификатора обязателен. Пока он не настроен, другие разделы недоступны.
        </p>
      )}
      <p id="totp-intro">Вход по паролю и шестизначному коду из приложения-аутентификатора (Яндекс Ключ, Google Authenticator, FreeOTP и др.).</p>
      {!setup && !model.totpDone.value && (
        <>
          <label class="field field--inline">
            <span class="field__label">Текущий пароль</span>
            <input ref={password} id="totp-password" type="password" autocomplete="current-password" maxLength={256} />
          </label>
          <button
            id="totp-start"
            class="btn btn--primary"
            type="button"
            onClick={() => {
              void model.startTotp(password.current?.value ?? '');
              if (password.current) password.current.value = '';
            }}
          >
            Настроить
          </button>
        </>
      )}
      {setup && (
        <form
          id="totp-setup"
          class="totp"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void model.confirmTotp(code.current?.value ?? '').then((ok) => {
              if (!ok) code.current?.select();
            });
          }}
        >
          <ol>
            <li>
              Добавьте в приложении учётную запись вручную и введите ключ:
              <code id="totp-secret" class="secret">
                {setup.secret}
              </code>
              <span class="hint">
                или откройте на телефоне ссылку <a id="totp-uri" href={setup.uri}>otpauth://…</a>
              </span>
            </li>
            <li>Введите код, который покажет приложение:</li>
          </ol>
          <label class="field field--inline">
            <span class="field__label">Код</span>
            <input ref={code} id="totp-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxLength={6} pattern="[0-9]{6}" spellcheck={false} />
          </label>
          <button id="totp-confirm" class="btn btn--primary" type="submit">
            Подтвердить
          </button>
        </form>
      )}
      <Message id="totp-message" cls="message" notice={model.totpMessage.value} />
    </section>
  );
}

function Checks<T extends string>({ idAll, id, labelAll, options, value, onChange }: { idAll: string; id: string; labelAll: string; options: { code: T; title: string }[]; value: T[] | 'all'; onChange: (v: T[] | 'all') => void }) {
  const all = value === 'all';
  return (
    <>
      <label class="check check--all">
        <input id={idAll} type="checkbox" checked={all} onChange={(e) => onChange(e.currentTarget.checked ? 'all' : [])} /> {labelAll}
      </label>
      <div id={id} class="checks">
        {options.map((o) => (
          <label key={o.code} class="check">
            <input
              type="checkbox"
              value={o.code}
              disabled={all}
              checked={!all && value.includes(o.code)}
              onChange={(e) => {
                const cur = value === 'all' ? [] : value;
                onChange(e.currentTarget.checked ? [...cur, o.code] : cur.filter((c) => c !== o.code));
              }}
            />{' '}
            {o.title}
          </label>
        ))}
      </div>
    </>
  );
}

function UserForm({ model }: { model: UsersModel }) {
  const { form } = model;
  const v = form.values.value;
  const editing = model.editor.value?.user ?? null;
  const self = session.user.value;
  const first = useRef<HTMLInputElement>(null);
  const name = useRef<HTMLInputElement>(null);
  useEffect(() => (editing ? name : first).current?.focus(), [editing]);
  const e = form.errors.value;
  return (
    <form
      id="user-form"
      class="user-form"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        void model.save();
      }}
    >
      <h3 id="form-title">{editing ? `Изменить: ${editing.username}` : 'Новый пользователь'}</h3>
      <div class="grid">
        <Field id="f-username" label="Логин" error={e.username}>
          <input ref={first} id="f-username" type="text" autocomplete="off" autocapitalize="none" spellcheck={false} disabled={editing !== null} value={v.username} onInput={(x) => form.set('username', x.currentTarget.value)} />
        </Field>
        <Field id="f-name" label="Имя и фамилия" error={e.displayName}>
          <input ref={name} id="f-name" type="text" autocomplete="off" value={v.displayName} onInput={(x) => form.set('displayName', x.currentTarget.value)} />
        </Field>
        <Field id="f-email" label="E-mail для уведомлений" error={e.email}>
          <input id="f-email" type="email" autocomplete="off" spellcheck={false} value={v.email} onInput={(x) => form.set('email', x.currentTarget.value)} />
        </Field>
        <Field id="f-role" label="Роль" error={e.role}>
          <select id="f-role" value={v.role} disabled={editing !== null && editing.id === self?.id} onChange={(x) => form.set('role', x.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_TITLES_RU[r]}
              </option>
            ))}
          </select>
        </Field>
        {!editing && (
          <Field id="f-password" label="Временный пароль" error={e.password}>
            <span class="row">
              <input id="f-password" type="text" autocomplete="new-password" spellcheck={false} value={v.password} onInput={(x) => form.set('password', x.currentTarget.value)} />
              <button id="f-generate" class="btn" type="button" onClick={() => form.set('password', generatePassword())}>
                Сгенерировать
              </button>
            </span>
          </Field>
        )}
      </div>
      <fieldset class="scope">
        <legend>Направления</legend>
        <Checks<Sector>
          idAll="f-sectors-all"
          id="f-sectors"
          labelAll="Все направления"
          options={model.meta.value.sectors.map((s) => ({ code: s.code as Sector, title: s.title }))}
          value={v.sectors}
          onChange={(x) => form.set('sectors', x)}
        />
        {e['scope.sectors'] && <span class="field__error">{e['scope.sectors']}</span>}
      </fieldset>
      <fieldset class="scope">
        <legend>Муниципальные образования</legend>
        <Checks
          idAll="f-munis-all"
          id="f-munis"
          labelAll="Все муниципальные образования"
          options={model.meta.value.municipalities.map((m) => ({ code: m.code, title: m.name }))}
          value={v.municipalities}
          onChange={(x) => form.set('municipalities', x)}
        />
        {e['scope.municipalities'] && <span class="field__error">{e['scope.municipalities']}</span>}
      </fieldset>
      <FormError form={form} id="form-message" />
      <div class="row">
        <button id="f-submit" class="btn btn--primary" type="submit" disabled={form.busy.value}>
          {editing ? 'Сохранить' : 'Создать'}
        </button>
        <button id="f-cancel" class="btn" type="button" onClick={() => model.close()}>
          Отмена
        </button>
      </div>
    </form>
  );
}

function columns(model: UsersModel): Column<UserView>[] {
  const button = (label: string, action: 'edit' | 'disable' | 'enable' | 'password' | 'totp', u: UserView) => (
    <button type="button" class="btn btn--small" data-action={action} data-id={u.id} onClick={() => void (action === 'edit' ? model.open(u) : model.act(action, u.id))}>
      {label}
    </button>
  );
  return [
    { id: 'username', title: 'Логин', fixed: true, sort: by((u) => u.username), cell: (u) => u.username },
    { id: 'name', title: 'Имя', sort: by((u) => u.displayName), cell: (u) => u.displayName },
    { id: 'role', title: 'Роль', sort: by((u) => roleTitle(u.role)), cell: (u) => roleTitle(u.role) },
    { id: 'scope', title: 'Область работы', class: 'scope-cell', cell: (u) => model.scopeText(u) },
    { id: 'totp', title: '2FA', cell: (u) => (u.totpEnabled ? 'включена' : '—') },
    { id: 'state', title: 'Состояние', sort: by((u) => (u.disabled ? 1 : 0)), cell: (u) => (u.disabled ? 'отключена' : 'активна') },
    {
      id: 'actions',
      title: '',
      fixed: true,
      class: 'actions',
      cell: (u) => (
        <>
          {button('Изменить', 'edit', u)}
          {session.user.value?.id !== u.id && button(u.disabled ? 'Включить' : 'Отключить', u.disabled ? 'enable' : 'disable', u)}
          {button('Сбросить пароль', 'password', u)}
          {u.totpEnabled && button('Сбросить 2FA', 'totp', u)}
        </>
      ),
    },
  ];
}

function UsersSection({ model }: { model: UsersModel }) {
  const cols = useMemo(() => columns(model), [model]);
  const table = useMemo(() => createTableState(cols, { pageSize: 100 }), [cols]);
  useEffect(() => void model.loadAdmin(), [model]);
  return (
    <section id="users-section" class="panel" aria-labelledby="users-title">
      <div class="panel__head">
        <h2 id="users-title">Учётные записи</h2>
        <button id="user-new" class="btn btn--primary" type="button" onClick={() => void model.open(null)}>
          Новый пользователь
        </button>
      </div>
      {model.editor.value && <UserForm model={model} />}
      <DataTable
        id="users-table"
        class="users"
        columns={cols}
        rows={model.users}
        rowKey={(u) => u.id}
        rowProps={(u) => ({ 'data-user': u.id, class: u.disabled ? 'is-disabled' : '' })}
        state={table}
        emptyTitle="Учётных записей нет"
      />
    </section>
  );
}

export default function UsersPage() {
  const model = useMemo(createUsersModel, []);
  return (
    <main class="users-page">
      <Message id="notice" cls="notice" notice={model.notice.value} />
      <PasswordSection model={model} />
      <TotpSection model={model} />
      {model.isAdmin.value && <UsersSection model={model} />}
    </main>
  );
}
