import type { Sector } from './sector';

/** Roles from the regulations (../shared/DOMAIN.md). */
export const ROLES = [
  'operator',
  'misinfo_desk',
  'sector_lead',
  'sector_owner',
  'head',
  'curator',
  'chief_analyst',
  'observer',
  'admin',
  'media_liaison',
  'shift_lead',
  'organisation',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES_RU: Readonly<Record<Role, string>> = {
  operator: 'Дежурный сотрудник ЦУР',
  misinfo_desk: 'Руководитель направления (недостоверная информация)',
  sector_lead: 'Руководитель отраслевого блока',
  sector_owner: 'Ответственный за отраслевой блок',
  head: 'Руководитель ЦУР',
  curator: 'Куратор ЦУР',
  chief_analyst: 'Главный аналитик',
  observer: 'Наблюдатель',
  admin: 'Технический администратор',
  media_liaison: 'Ответственный за работу с массмедиа',
  shift_lead: 'Старший смены',
  organisation: 'Сотрудник ответственной организации',
};

export const PERMISSIONS = [
  'feed:read',
  'incidents:read',
  'posts:search',
  'posts:author',
  'users:manage',
  'audit:read',
  /** Source registry: add, edit, pause, delete; connector health. */
  'sources:manage',
  /** Correct any classifier output of a post (the model learns from it). */
  'classification:correct',
  /** See the retraining history and restore an older model. */
  'model:manage',
  /** Erase one person's data on request (152-ФЗ). */
  'personal_data:erase',
  /** Misinformation desk: the queue, claims, spread, warning packs and the verdict feed. */
  'desk:read',
  /** Record verdicts, debunks and their publications; move a claim through its statuses. */
  'desk:verdict',
  /** Create and merge claims, link and unlink posts, confirm or reject suggestions. */
  'desk:link',
  /** Work incidents in scope: take, release, route, answer, close, comment, split, correct from the card. */
  'incidents:work',
  /** Lead incident work in scope: assign, reopen, merge, reject. */
  'incidents:lead',
  /** Organisation directory and responsibility rules: edit, import, export. */
  'organisations:manage',
  /** A responsible organisation's own page: the incidents routed to it, and its answers. */
  'organisation:respond',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly Permission[] = PERMISSIONS;
const WORK: readonly Permission[] = ['feed:read', 'incidents:read', 'posts:search', 'posts:author', 'classification:correct'];

/** A role is a set of permissions. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  operator: [...WORK, 'incidents:work'],
  misinfo_desk: [...WORK, 'incidents:work', 'desk:read', 'desk:verdict', 'desk:link'],
  sector_lead: [...WORK, 'incidents:work', 'incidents:lead'],
  sector_owner: ['feed:read', 'incidents:read', 'posts:search'],
  head: [...WORK, 'incidents:work', 'incidents:lead', 'desk:read'],
  curator: ['feed:read', 'incidents:read', 'posts:search'],
  chief_analyst: ['incidents:read', 'posts:search', 'classification:correct', 'model:manage', 'desk:read'],
  observer: ['feed:read', 'incidents:read', 'posts:search'],
  admin: ALL,
  media_liaison: ['feed:read', 'incidents:read', 'posts:search', 'desk:read'],
  shift_lead: [...WORK, 'incidents:work', 'incidents:lead'],
  // Sees only incidents routed to its own organisation (SessionUser.organisationId), on its page.
  organisation: ['organisation:respond'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** What part of the region a user works on: a set of sectors and municipalities, or all. */
export interface Scope {
  sectors: Sector[] | 'all';
  municipalities: string[] | 'all';
}

export const FULL_SCOPE: Scope = { sectors: 'all', municipalities: 'all' };

export function inScope(scope: Scope, item: { sector: Sector; municipality: string }): boolean {
  return (
    (scope.sectors === 'all' || scope.sectors.includes(item.sector)) &&
    (scope.municipalities === 'all' || scope.municipalities.includes(item.municipality))
  );
}

/**
 * Feed rooms a scope joins, and the rooms an item is published to: an item reaches a socket iff
 * the two sets intersect, which is exactly `inScope`. Four shapes keep the room count small:
 * full scope, sector-only, municipality-only, and sector×municipality pairs.
 */
export function roomsForScope(scope: Scope): string[] {
  const { sectors, municipalities } = scope;
  if (sectors === 'all') return municipalities === 'all' ? ['all'] : municipalities.map((m) => `m:${m}`);
  if (municipalities === 'all') return sectors.map((s) => `s:${s}`);
  return sectors.flatMap((s) => municipalities.map((m) => `sm:${s}:${m}`));
}

export function roomsForItem(item: { sector: Sector; municipality: string }): string[] {
  return ['all', `s:${item.sector}`, `m:${item.municipality}`, `sm:${item.sector}:${item.municipality}`];
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  scope: Scope;
  /** For the `organisation` role: the organisation the user answers for. */
  organisationId?: string;
}
