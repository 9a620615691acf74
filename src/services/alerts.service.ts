import { randomUUID } from 'node:crypto';
import { inScope, type SessionUser } from '../domain/access';
import type { AuditAction } from '../domain/audit';
import type { Sector } from '../domain/sector';
import { NotFoundError, ValidationError } from '../lib/errors';
import type { ArchiveRepository } from '../repositories/archive.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { Notification, NotificationsRepository } from '../repositories/notifications.repository';
import type { SavedSearch, SavedSearchesRepository } from '../repositories/saved-searches.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';
import type { AnalyticsService } from './analytics.service';
import type { ArchiveService } from './archive.service';

/** A team is the people of one sector block: users with the same sector scope. */
export function teamKeyOf(user: Pick<SessionUser, 'scope'>): string {
  return user.scope.sectors === 'all' ? 'all' : [...user.scope.sectors].sort().join(',');
}

const MAX_SAVED_PER_USER = 100;
/** Roles a spike in their sector is sent to. */
const SPIKE_ROLES = new Set(['sector_lead', 'sector_owner', 'head']);

function sessionUserOf(u: UserRecord): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, scope: u.scope };
}

export interface SavedSearchInput {
  name: string;
  q: string;
  shared: boolean;
  alert: boolean;
}

/**
 * Saved searches with alerts, spike alerts and the in-app notifications they produce. The
 * scheduled checks run in the pipeline role (workers/archive-schedule.worker.ts).
 */
export function createAlertsService(deps: {
  saved: SavedSearchesRepository;
  notifications: NotificationsRepository;
  users: Pick<UsersRepository, 'findById' | 'list'>;
  archive: Pick<ArchiveRepository, 'count' | 'scan'>;
  archiveService: Pick<ArchiveService, 'build' | 'parse'>;
  analytics: Pick<AnalyticsService, 'detectSpikes'>;
  audit: Pick<AuditRepository, 'append'>;
  /** Sends an e-mail when mail is configured (no-op otherwise). */
  mail?: (to: string, subject: string, text: string) => Promise<void>;
}) {
  const present = (s: SavedSearch, viewer: SessionUser) => ({ id: s.id, name: s.name, q: s.q, shared: s.shared, alert: s.alert, owner: s.ownerUsername, mine: s.ownerId === viewer.id, createdAt: s.createdAt });
  const audit = (viewer: SessionUser, action: AuditAction, target: string, details: Record<string, unknown> = {}) =>
    deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action, outcome: 'success', target, details });

  async function ownedBy(viewer: SessionUser, id: string): Promise<SavedSearch> {
    const s = await deps.saved.get(id);
    if (!s || s.ownerId !== viewer.id) throw new NotFoundError('Saved search');
    return s;
  }

  return {
    async list(viewer: SessionUser) {
      return (await deps.saved.listVisible(viewer.id, teamKeyOf(viewer))).map((s) => present(s, viewer));
    },

    async create(viewer: SessionUser, input: SavedSearchInput) {
      deps.archiveService.parse(viewer, input.q);
      const mine = (await deps.saved.listVisible(viewer.id, teamKeyOf(viewer))).filter((s) => s.ownerId === viewer.id);
      if (mine.length >= MAX_SAVED_PER_USER) throw new ValidationError(`Не больше ${MAX_SAVED_PER_USER} сохранённых поисков`);
      const now = new Date().toISOString();
      const s: SavedSearch = { id: randomUUID(), ownerId: viewer.id, ownerUsername: viewer.username, name: input.name, q: input.q, shared: input.shared, teamKey: teamKeyOf(viewer), alert: input.alert, createdAt: now, checkedAt: now };
      await deps.saved.save(s);
      await audit(viewer, 'saved_search.create', s.id, { shared: s.shared, alert: s.alert });
      return present(s, viewer);
    },

    async update(viewer: SessionUser, id: string, input: Partial<SavedSearchInput>) {
      const s = await ownedBy(viewer, id);
      if (input.q !== undefined) deps.archiveService.parse(viewer, input.q);
      const next: SavedSearch = { ...s, ...input, teamKey: teamKeyOf(viewer) };
      await deps.saved.save(next);
      await audit(viewer, 'saved_search.update', id, { shared: next.shared, alert: next.alert });
      return present(next, viewer);
    },

    async remove(viewer: SessionUser, id: string): Promise<void> {
      const s = await ownedBy(viewer, id);
      await deps.saved.remove(s);
      await audit(viewer, 'saved_search.delete', id);
    },

    async notifications(viewer: SessionUser, limit: number) {
      const { items, seenAt } = await deps.notifications.list(viewer.id, limit);
      return { items, unread: items.filter((n) => !seenAt || n.at > seenAt).length };
    },

    async markSeen(viewer: SessionUser): Promise<void> {
      await deps.notifications.markSeen(viewer.id, new Date().toISOString());
    },

    /**
     * For each saved search with an alert: posts ingested since its last check that match it in
     * the owner's current scope. The owner gets one notification per check with new matches.
     */
    async checkSavedSearches(now = new Date()): Promise<number> {
      let sent = 0;
      for (const s of await deps.saved.listAlerting()) {
        const user = await deps.users.findById(s.ownerId);
        if (!user || user.disabled) continue;
        const viewer = sessionUserOf(user);
        let query;
        try {
          query = (await deps.archiveService.build(viewer, { q: s.q })).query;
        } catch {
          continue; // the owner lost a permission the query needs: nothing to alert in scope
        }
        const fresh = { bool: { filter: [query, { range: { ingested_at: { gt: s.checkedAt, lte: now.toISOString() } } }] } };
        const count = await deps.archive.count(fresh);
        if (count > 0) {
          const ids: string[] = [];
          await deps.archive.scan(fresh, async (docs) => void ids.push(...docs.map((d) => d.id)), { pageSize: 10, limit: 10, fields: ['id'] });
          const n: Notification = { id: randomUUID(), at: now.toISOString(), kind: 'saved_search', title: `«${s.name}»: новых совпадений — ${count}`, drill: { q: s.q, from: s.checkedAt }, postIds: ids };
          await deps.notifications.push(user.id, n);
          if (deps.mail && user.email) await deps.mail(user.email, `Дозор: ${n.title}`, `${n.title}\nЗапрос: ${s.q}`).catch(() => undefined);
          sent++;
        }
        await deps.saved.markChecked(s.id, now.toISOString());
      }
      return sent;
    },

    /**
     * Spike alerts for the hour starting at `hourStart`: each spike goes once to every enabled
     * sector lead (and head) whose scope covers its sector and municipality, with its posts.
     */
    async checkSpikes(hourStart: Date): Promise<number> {
      const spikes = await deps.analytics.detectSpikes(hourStart);
      if (spikes.length === 0) return 0;
      const users = (await deps.users.list()).filter((u) => !u.disabled && SPIKE_ROLES.has(u.role));
      let sent = 0;
      for (const sp of spikes) {
        if (!(await deps.notifications.claimOnce(`spike:${sp.category}|${sp.municipality}|${sp.hourStart}`, 3 * 24 * 3600))) continue;
        const title = `Всплеск: ${sp.title}, ${sp.municipalityName} — ${sp.current} за час (обычно ${sp.baseline})`;
        for (const u of users) {
          if (!inScope(u.scope, { sector: sp.sector as Sector, municipality: sp.municipality })) continue;
          await deps.notifications.push(u.id, { id: randomUUID(), at: new Date().toISOString(), kind: 'spike', title, drill: sp.drill, postIds: sp.postIds });
          if (deps.mail && u.email) await deps.mail(u.email, `Дозор: ${title}`, `${title}\nС ${sp.hourStart}, публикаций: ${sp.postIds.length} (открыть в архиве Дозора).`).catch(() => undefined);
          sent++;
        }
      }
      return sent;
    },
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
