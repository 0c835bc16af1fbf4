import type { Db } from '../db.js';
import { createDefaultPipeline } from './default-pipeline.js';

export interface WorkspaceDefaults {
  name?: string;
  timezone: string;
  locale: string;
  phoneRegion?: string;
}

/** Returns the workspace with this slug, creating it (with the default pipeline) when missing. */
export async function ensureWorkspace(db: Db, slug: string, defaults: WorkspaceDefaults) {
  const existing = await db.workspace.findUnique({ where: { slug } });
  if (existing) return existing;
  try {
    return await db.$transaction(async (tx) => {
      const ws = await tx.workspace.create({
        data: {
          slug,
          name: defaults.name ?? slug,
          timezone: defaults.timezone,
          locale: defaults.locale,
          phoneRegion: defaults.phoneRegion ?? 'RU',
        },
      });
      await createDefaultPipeline(tx, ws.id);
      await tx.auditLog.create({
        data: { workspaceId: ws.id, actorKind: 'system', action: 'workspace.create', entity: 'workspace', entityId: String(ws.id) },
      });
      return ws;
    });
  } catch (e) {
    // a concurrent process created it first
    if ((e as { code?: string }).code === 'P2002') return db.workspace.findUniqueOrThrow({ where: { slug } });
    throw e;
  }
}
