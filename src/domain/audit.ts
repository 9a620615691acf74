import type { SessionUser } from './access';

/*
 * Audit actions: one typed union, named `<object>.<verb>` — the object singular and lower-case
 * (`post`, `user`, `incident`), the verb or event snake_case (`author_view`, `password_reset`).
 * The prefix before the dot is the action's area; the audit page filters by `area.*`.
 *
 * To add actions, append `'area.verb': 'русское название'` lines to the area's group below, or
 * add a new group and spread it into AUDIT_ACTION_TITLES_RU. One group per area keeps parallel
 * additions from touching the same lines. The Russian title is what the audit page shows.
 */

const AUTH_ACTIONS = {
  'auth.login': 'Вход',
  'auth.logout': 'Выход',
  'auth.totp': 'Второй фактор при входе',
  'auth.totp_enable': 'Подключение второго фактора',
  'auth.totp_setup': 'Начало подключения второго фактора',
  'auth.password_change': 'Смена своего пароля',
} as const;

const ACCESS_ACTIONS = {
  'access.denied': 'Отказ в доступе',
  'access.not_found': 'Объект не найден или вне зоны доступа',
  'api.write': 'Изменение через API',
} as const;

const USER_ACTIONS = {
  'user.create': 'Создание пользователя',
  'user.update': 'Изменение пользователя',
  'user.disable': 'Блокировка пользователя',
  'user.enable': 'Разблокировка пользователя',
  'user.password_reset': 'Сброс пароля',
  'user.totp_reset': 'Сброс второго фактора',
} as const;

const POST_ACTIONS = {
  'post.search': 'Поиск по архиву',
  'post.author_view': 'Просмотр данных авторов',
  'post.correct': 'Исправление классификации',
} as const;

const PERSONAL_DATA_ACTIONS = {
  'personal_data.erase': 'Удаление персональных данных по запросу',
  'retention.run': 'Очистка по сроку хранения',
} as const;

const SOURCE_ACTIONS = {
  'source.create': 'Добавление источника',
  'source.update': 'Изменение источника',
  'source.delete': 'Удаление источника',
  'webhook.appeal': 'Обращение через вебхук',
} as const;

const SYSTEM_ACTIONS = {
  'audit.search': 'Просмотр журнала аудита',
  'model.activate': 'Смена модели классификатора',
} as const;

// Areas other work adds to (incident workflow, organisation directory, claims, saved searches,
// exports): each appends its own lines here.
const INCIDENT_ACTIONS = {
  "incident.take": "Инцидент взят в работу",
  "incident.release": "Инцидент возвращён в очередь",
  "incident.assign": "Инцидент назначен сотруднику",
  "incident.route": "Инцидент направлен в организацию",
  "incident.answer": "Ответ по инциденту",
  "incident.close": "Инцидент закрыт",
  "incident.reopen": "Инцидент возобновлён",
  "incident.reject": "Инцидент отклонён (не инцидент)",
  "incident.merge": "Инциденты объединены",
  "incident.split": "Сообщение выделено в отдельный инцидент",
  "incident.dismiss_suggestion": "Предложение объединить отклонено",
  "incident.correct": "Исправление классификации с карточки",
  "incident.comment": "Комментарий к инциденту",
  "shift.handover_ack": "Смена принята",
} as const;
const ORGANISATION_ACTIONS = {
  "organisation.create": "Добавление организации",
  "organisation.update": "Изменение организации",
  "organisation.delete": "Удаление организации",
  "organisation.import": "Импорт справочника организаций",
  "organisation.export": "Выгрузка справочника организаций",
  "routing_rule.create": "Добавление правила маршрутизации",
  "routing_rule.update": "Изменение правила маршрутизации",
  "routing_rule.delete": "Удаление правила маршрутизации",
  "answer.publish": "Публикация ответа в соцсети",
  "satisfaction.record": "Оценка жителя: решено / не решено",
  "satisfaction.link": "Ссылка для оценки жителем",
} as const;
const CLAIM_ACTIONS = {
  "claim.create": "Создание утверждения (дезинформация)",
  "claim.status": "Смена статуса утверждения",
  "claim.verdict": "Вердикт по утверждению",
  "claim.link": "Привязка публикации к утверждению",
  "claim.unlink": "Отвязка публикации от утверждения",
  "claim.suggestion_confirm": "Подтверждение похожей публикации",
  "claim.suggestion_reject": "Отклонение похожей публикации",
  "claim.merge": "Объединение утверждений",
  "claim.publication": "Публикация опровержения",
} as const;
const SAVED_SEARCH_ACTIONS = {
  "saved_search.create": "Сохранение поиска",
  "saved_search.update": "Изменение сохранённого поиска",
  "saved_search.delete": "Удаление сохранённого поиска",
} as const;
const EXPORT_ACTIONS = {
  "export.posts": "Выгрузка публикаций",
  "export.breakdown": "Выгрузка разбивки аналитики",
} as const;
const REPORT_ACTIONS = {
  "report.build": "Формирование отчёта",
  "report.download": "Скачивание отчёта",
} as const;

/** Every audit action with the Russian title the audit page shows. */
export const AUDIT_ACTION_TITLES_RU = {
  ...AUTH_ACTIONS,
  ...ACCESS_ACTIONS,
  ...USER_ACTIONS,
  ...POST_ACTIONS,
  ...PERSONAL_DATA_ACTIONS,
  ...SOURCE_ACTIONS,
  ...SYSTEM_ACTIONS,
  ...INCIDENT_ACTIONS,
  ...ORGANISATION_ACTIONS,
  ...CLAIM_ACTIONS,
  ...SAVED_SEARCH_ACTIONS,
  ...EXPORT_ACTIONS,
  ...REPORT_ACTIONS,
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_TITLES_RU;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_TITLES_RU) as AuditAction[];

export function isAuditAction(s: string): s is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_TITLES_RU, s);
}

/**
 * Names recorded before the naming scheme was made consistent. Records already stored keep them;
 * reads present them under the current name and filters find both.
 */
export const LEGACY_AUDIT_ACTIONS: Readonly<Record<string, AuditAction>> = {
  'posts.search': 'post.search',
  'posts.author_view': 'post.author_view',
};

/** The stored names that mean `action` (itself and its legacy names). */
export function storedAuditNames(action: string): string[] {
  return [action, ...Object.entries(LEGACY_AUDIT_ACTIONS).flatMap(([legacy, current]) => (current === action ? [legacy] : []))];
}

/** Legacy prefixes that a filter on `prefix` (like `post.`) must also match. */
export function storedAuditPrefixes(prefix: string): string[] {
  const legacy = new Set(Object.entries(LEGACY_AUDIT_ACTIONS).flatMap(([old, current]) => (current.startsWith(prefix) && !old.startsWith(prefix) ? [old.slice(0, old.indexOf('.') + 1)] : [])));
  return [prefix, ...legacy];
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One stored audit record. */
export interface AuditRecord {
  at: string;
  actorId?: string;
  actorUsername?: string;
  actorRole?: string;
  action: AuditAction;
  outcome: AuditOutcome;
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** One event to record: what was done to which object, and how it ended. */
export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  target?: string;
  ip?: string;
  /** Ids, counts and query strings only: never author names, post texts, passwords or tokens. */
  details?: Record<string, unknown>;
}

/** Who did it: a signed-in user, or nobody (a system job, an unauthenticated caller). */
export type AuditActor = Pick<SessionUser, 'id' | 'username' | 'role'> | null;

/** The one way an audit record is built: the actor's identity, the time, and the event. */
export function auditRecord(actor: AuditActor, e: AuditEvent, at: Date = new Date()): AuditRecord {
  return {
    at: at.toISOString(),
    ...(actor ? { actorId: actor.id, actorUsername: actor.username, actorRole: actor.role } : {}),
    action: e.action,
    outcome: e.outcome,
    ...(e.target ? { target: e.target } : {}),
    ...(e.ip ? { ip: e.ip } : {}),
    ...(e.details ? { details: e.details } : {}),
  };
}

/**
 * Seeing who wrote posts is a look at personal data: the record names which posts or incidents
 * were shown with their authors (ids only, never the names).
 */
export function authorViewEvent(shown: { via: 'search'; postIds: string[] } | { via: 'incidents'; incidentIds: string[] }, ip?: string): AuditEvent {
  return { action: 'post.author_view', outcome: 'success', ...(ip ? { ip } : {}), details: shown };
}

/**
 * Unauthenticated denials are recorded in aggregate: the first of a key's window, then at 10,
 * 100, 1000… with the count so far, so a flood of bad requests writes a handful of records.
 */
export function isDenialRecorded(countInWindow: number): boolean {
  if (countInWindow < 1) return false;
  let n = countInWindow;
  while (n % 10 === 0) n /= 10;
  return n === 1;
}
