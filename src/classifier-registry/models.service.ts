import type { SessionUser } from '../domain/access';
import { auditRecord } from '../domain/audit';
import type { AuditRepository } from '../repositories/audit.repository';
import { assertVersion, type ModelRecord, type ModelRegistry } from './model-registry';

/** Model versions for the API: list, and activate (restore) one, audited. */
export function createModelsService(deps: { registry: ModelRegistry; audit: Pick<AuditRepository, 'append'> }) {
  return {
    async list(): Promise<{ active: string; items: (ModelRecord & { active: boolean })[] }> {
      const items = await deps.registry.list();
      return { active: (await deps.registry.active()).version, items };
    },

    /** Makes `version` the active model; pipeline workers pick it up on their next poll. */
    async activate(viewer: SessionUser, version: string, reason: string | undefined, ip?: string): Promise<{ previous: string | null; active: ModelRecord }> {
      assertVersion(version);
      const event = { action: 'model.activate', target: version, ...(ip ? { ip } : {}) } as const;
      try {
        const { previous, current } = await deps.registry.activate(version, { actor: viewer.username, reason: reason ?? 'activated through the API' });
        await deps.audit.append(auditRecord(viewer, { ...event, outcome: 'success', details: { previous, reason: reason ?? null } }));
        return { previous, active: current };
      } catch (err) {
        await deps.audit.append(auditRecord(viewer, { ...event, outcome: 'failure', details: { error: (err as Error).message.slice(0, 300) } }));
        throw err;
      }
    },
  };
}
export type ModelsService = ReturnType<typeof createModelsService>;
