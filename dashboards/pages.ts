/**
 * The page table: one entry per page drives the router, the navigation and the permission guard,
 * and tells the server where to serve the shell (`dist/pages.json`). Add a page by appending an
 * entry (see dashboards/README.md). The order is the navigation's.
 */
import type { PageDef } from './shared/page';

export const PAGES: readonly PageDef[] = [
  {
    path: '/',
    title: 'Лента инцидентов',
    nav: 'Лента',
    permission: 'incidents:read',
    load: () => import('./pages/operator/page'),
  },
  {
    path: '/sources/',
    title: 'Источники',
    nav: 'Источники',
    permission: 'sources:manage',
    deniedText: 'Эта страница доступна только техническому администратору.',
    load: () => import('./pages/sources/page'),
  },
  {
    path: '/users/',
    title: 'Пользователи',
    nav: 'Пользователи',
    // Everyone may open it to enrol TOTP; the accounts are for users:manage.
    navPermission: 'users:manage',
    load: () => import('./pages/users/page'),
  },
  {
    path: '/audit/',
    title: 'Журнал аудита',
    nav: 'Аудит',
    permission: 'audit:read',
    deniedText: 'Журнал аудита доступен только техническому администратору.',
    load: () => import('./pages/audit/page'),
  },
  {
    path: '/archive/',
    title: 'Архив',
    nav: 'Архив',
    permission: 'posts:search',
    load: () => import('./pages/archive/page'),
  },
  {
    path: '/analytics/',
    title: 'Аналитика',
    nav: 'Аналитика',
    permission: 'posts:search',
    load: () => import('./pages/analytics/page'),
  },
  {
    path: '/reports/',
    title: 'Отчёты',
    nav: 'Отчёты',
    permission: 'posts:search',
    load: () => import('./pages/reports/page'),
  },
  {
    path: '/desk/',
    title: 'Недостоверная информация',
    nav: 'Проверка фактов',
    permission: 'desk:read',
    deniedText: 'Страница доступна руководителю направления по недостоверной информации.',
    load: () => import('./pages/desk/page'),
  },
  {
    path: '/shift/',
    title: 'Передача смены',
    nav: 'Смена',
    permission: 'incidents:read',
    load: () => import('./pages/shift/page'),
  },
  {
    path: '/organisation/',
    title: 'Обращения организации',
    nav: 'Моя организация',
    permission: 'organisation:respond',
    deniedText: 'Страница доступна сотрудникам ответственной организации.',
    load: () => import('./pages/organisation/page'),
  },
  {
    path: '/organisations/',
    title: 'Ответственные организации',
    nav: 'Организации',
    permission: 'organisations:manage',
    deniedText: 'Справочник организаций доступен пользователям с правом управления организациями.',
    load: () => import('./pages/organisations/page'),
  },
  {
    path: '/sla/',
    title: 'Сроки ответов',
    nav: 'Сроки',
    permission: 'incidents:read',
    load: () => import('./pages/sla/page'),
  },
  {
    path: '/ratings/',
    title: 'Рейтинг организаций',
    nav: 'Рейтинг',
    permission: 'incidents:read',
    load: () => import('./pages/ratings/page'),
  },
];
