/**
 * The users page's model: TOTP enrolment for everyone (the page a role that must use TOTP is sent
 * to), and for `users:manage` the accounts, the create/edit form and the account actions.
 */
import { computed, signal } from '@preact/signals';
import type { UserView } from '../../../src/contracts/users';
import type { Meta } from '../../../src/contracts/meta';
import { ROLES, type Role } from '../../../src/domain/access';
import type { Sector } from '../../../src/domain/sector';
import { api, ApiError } from '../../shared/api';
import { createForm } from '../../shared/components/form';
import { session } from '../../shared/context';

type Choice = string[] | 'all';

export interface UserFormValues extends Record<string, unknown> {
  username: string;
  displayName: string;
  /** For e-mailed alerts and reports; empty: none. */
  email: string;
  role: Role;
  password: string;
  sectors: Sector[] | 'all';
  municipalities: Choice;
}

/** A random temporary password: 16 characters without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Не удалось выполнить действие.';
  if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
  if (err.status === 403) return 'Недостаточно прав для этого действия.';
  if (err.status === 409) return `Конфликт: ${err.message}`;
  if (err.status === 400) return `Проверьте поля: ${err.message}`;
  if (err.status === 404) return 'Пользователь не найден.';
  return `Ошибка ${err.status}. Повторите попытку.`;
}

export type Notice = { kind: 'ok' | 'error'; text: string } | null;

export function createUsersModel() {
  const meta = signal<Meta>({ region: { code: '', name: '' }, sectors: [], networks: [], municipalities: [] });
  const users = signal<UserView[]>([]);
  const notice = signal<Notice>(null);
  // TOTP enrolment.
  const totp = signal<{ secret: string; uri: string } | null>(null);
  const totpMessage = signal<Notice>(null);
  const totpDone = signal(false);
  /** The form: null closed; `user` null while creating. */
  const editor = signal<{ user: UserView | null } | null>(null);
  const form = createForm<UserFormValues>(
    { username: '', displayName: '', email: '', role: 'operator', password: '', sectors: 'all', municipalities: 'all' },
    { fields: () => ['username', 'displayName', 'email', 'role', 'password', 'scope.sectors', 'scope.municipalities'], messages: (err) => errorText(err) },
  );
  const isAdmin = computed(() => session.can('users:manage') && !session.info.value?.totpEnrolmentRequired && !session.info.value?.passwordChangeRequired);

  async function refresh(): Promise<void> {
    users.value = (await api('GET /api/users')).items;
  }

  /** Enrolment needs the current password (a session alone is not enough). */
  async function startTotp(password: string): Promise<void> {
    totpMessage.value = null;
    if (password === '') {
      totpMessage.value = { kind: 'error', text: 'Введите текущий пароль: без него второй фактор не подключить.' };
      return;
    }
    try {
      const res = await api('POST /api/auth/totp/setup', { body: { password } });
      totp.value = { secret: res.secret.replace(/(.{4})/g, '$1 ').trim(), uri: res.otpauthUri };
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        totpDone.value = true;
        totpMessage.value = { kind: 'ok', text: 'Двухфакторная аутентификация уже настроена. Чтобы привязать другой телефон, попросите администратора сбросить её.' };
      } else totpMessage.value = { kind: 'error', text: err instanceof ApiError && err.status === 400 ? 'Неверный текущий пароль.' : errorText(err) };
    }
  }

  const passwordMessage = signal<Notice>(null);
  /** The owner's own password change (required after an administrator set the password). */
  async function changePassword(currentPassword: string, newPassword: string): Promise<boolean> {
    passwordMessage.value = null;
    try {
      session.replace(await api('POST /api/auth/password', { body: { currentPassword, newPassword } }));
      passwordMessage.value = { kind: 'ok', text: 'Пароль сменён. Другие сеансы этой учётной записи завершены.' };
      return true;
    } catch (err) {
      passwordMessage.value = { kind: 'error', text: errorText(err) };
      return false;
    }
  }

  async function confirmTotp(raw: string): Promise<boolean> {
    const code = raw.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      totpMessage.value = { kind: 'error', text: 'Код состоит из шести цифр.' };
      return false;
    }
    try {
      const res = await api('POST /api/auth/totp/confirm', { body: { code } });
      session.replace(res);
      totp.value = null;
      totpDone.value = true;
      totpMessage.value = { kind: 'ok', text: 'Готово: теперь при входе будет запрашиваться код из приложения.' };
      return true;
    } catch (err) {
      totpMessage.value = {
        kind: 'error',
        text: err instanceof ApiError && err.status === 400 ? 'Неверный или уже использованный код. Проверьте время на телефоне и введите новый код.' : errorText(err),
      };
      return false;
    }
  }

  async function loadAdmin(): Promise<void> {
    try {
      meta.value = await api('GET /api/meta');
    } catch {
      // Codes are shown instead of names.
    }
    try {
      await refresh();
    } catch (err) {
      notice.value = { kind: 'error', text: errorText(err) };
    }
  }

  return {
    meta,
    users,
    notice,
    totp,
    totpMessage,
    totpDone,
    editor,
    form,
    isAdmin,
    startTotp,
    confirmTotp,
    passwordMessage,
    changePassword,
    loadAdmin,
    scopeText(u: UserView): string {
      const m = meta.value;
      const sectors = u.scope.sectors === 'all' ? 'все направления' : u.scope.sectors.map((s) => m.sectors.find((x) => x.code === s)?.title ?? s).join(', ');
      const munis = u.scope.municipalities === 'all' ? 'все МО' : u.scope.municipalities.map((c) => m.municipalities.find((x) => x.code === c)?.name ?? c).join(', ');
      return `${sectors}; ${munis}`;
    },
    async open(user: UserView | null): Promise<void> {
      let fresh = user;
      if (user) {
        try {
          fresh = await api('GET /api/users/:id', { params: { id: user.id } });
        } catch (err) {
          notice.value = { kind: 'error', text: errorText(err) };
          return;
        }
      }
      form.reset({
        username: fresh?.username ?? '',
        displayName: fresh?.displayName ?? '',
        email: fresh?.email ?? '',
        role: fresh?.role ?? 'operator',
        password: fresh ? '' : generatePassword(),
        sectors: fresh?.scope.sectors ?? 'all',
        municipalities: fresh?.scope.municipalities ?? 'all',
      });
      editor.value = { user: fresh };
    },
    close(): void {
      editor.value = null;
    },
    async save(): Promise<void> {
      const v = form.values.value;
      const editing = editor.value?.user ?? null;
      if ((v.sectors !== 'all' && v.sectors.length === 0) || (v.municipalities !== 'all' && v.municipalities.length === 0)) {
        form.formError.value = 'Выберите хотя бы одно направление и одно муниципальное образование (или «Все»).';
        return;
      }
      const scope = { sectors: v.sectors, municipalities: v.municipalities };
      const email = v.email.trim();
      const ok = await form.submit(async () => {
        if (editing) {
          await api('PATCH /api/users/:id', { params: { id: editing.id }, body: { displayName: v.displayName.trim(), role: v.role, scope, email } });
          notice.value = { kind: 'ok', text: `Изменения сохранены: ${editing.username}. Если изменились роль или область работы, его сеансы завершены.` };
        } else {
          const created = await api('POST /api/users', { body: { username: v.username.trim(), displayName: v.displayName.trim(), role: v.role, scope, password: v.password, ...(email ? { email } : {}) } });
          notice.value = { kind: 'ok', text: `Создан пользователь ${created.username}. Временный пароль: ${v.password} — передайте его лично.` };
        }
      });
      if (!ok) return;
      editor.value = null;
      await refresh();
    },
    async act(action: 'disable' | 'enable' | 'password' | 'totp', id: string): Promise<void> {
      try {
        if (action === 'disable' || action === 'enable') {
          await (action === 'disable' ? api('POST /api/users/:id/disable', { params: { id } }) : api('POST /api/users/:id/enable', { params: { id } }));
          notice.value = { kind: 'ok', text: action === 'disable' ? `Учётная запись ${id} отключена, её сеансы завершены.` : `Учётная запись ${id} включена.` };
        } else if (action === 'password') {
          const password = generatePassword();
          await api('POST /api/users/:id/password', { params: { id }, body: { password } });
          notice.value = { kind: 'ok', text: `Новый временный пароль для ${id}: ${password} — передайте его лично. Сеансы пользователя завершены.` };
        } else {
          await api('POST /api/users/:id/totp/reset', { params: { id } });
          notice.value = { kind: 'ok', text: `Двухфакторная аутентификация ${id} сброшена; при следующем входе её нужно настроить заново.` };
        }
        await refresh();
      } catch (err) {
        notice.value = { kind: 'error', text: errorText(err) };
      }
    },
  };
}

export type UsersModel = ReturnType<typeof createUsersModel>;
export { ROLES };
