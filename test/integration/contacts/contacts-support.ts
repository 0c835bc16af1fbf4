// Shared setup for contact and lead integration tests: a fresh workspace with a team.
import type { Db } from '../../../core/db.js';
import type { Actor } from '../../../core/actor.js';
import type { Role } from '../../../prisma/generated/enums.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { uniqueSlug } from '../../support/db.js';

export async function makeWorkspace(db: Db, extra: { timezone?: string; phoneRegion?: string } = {}) {
  return ensureWorkspace(db, uniqueSlug('ct'), { timezone: extra.timezone ?? 'UTC', locale: 'en', phoneRegion: extra.phoneRegion ?? 'RU' });
}

export async function makeUser(db: Db, workspaceId: number, role: Role, extra: { name?: string; onDuty?: boolean; active?: boolean } = {}) {
  return db.user.create({
    data: {
      workspaceId,
      role,
      name: extra.name ?? `${role}-${Math.random().toString(36).slice(2, 7)}`,
      onDuty: extra.onDuty ?? true,
      active: extra.active ?? true,
    },
  });
}

export function actorOf(user: { id: number; workspaceId: number; role: Role }): Actor {
  return { userId: user.id, workspaceId: user.workspaceId, role: user.role, locale: 'en', timezone: 'UTC' };
}
