// Who is acting: every use case takes an Actor and checks permissions with it.
import type { Role } from '../prisma/generated/enums.js';
import type { Locale } from './i18n/index.js';
import { forbidden } from './errors.js';
import type { MessageKey } from './i18n/index.js';

export interface Actor {
  userId: number;
  workspaceId: number;
  role: Role;
  locale: Locale;
  timezone: string;
  name?: string;
}

/** Heads of sales and admins see the whole workspace; managers only their own records. */
export function seesWholeTeam(actor: Actor): boolean {
  return actor.role === 'head' || actor.role === 'admin';
}

/**
 * Throws forbidden unless the actor may read/change a record owned by ownerId in workspaceId.
 * Records of another workspace are reported as not found by callers (they filter by workspace).
 */
export function assertCanAccess(actor: Actor, ownerId: number | null | undefined, what: MessageKey, id: number): void {
  if (seesWholeTeam(actor)) return;
  if (ownerId !== actor.userId) throw forbidden(what, { id });
}

/** Managers may only act for themselves; heads and admins for anyone in the workspace. */
export function assertCanActFor(actor: Actor, userId: number): void {
  if (userId === actor.userId || seesWholeTeam(actor)) return;
  throw forbidden('what.user', { id: userId });
}

/**
 * Leadline itself acting (a customer's message creating a lead, the CLI, a scheduled job).
 * userId 0 never exists in the database; audit rows record no user and actorKind "system"/"cli".
 */
export function systemActor(workspace: { id: number; locale: string; timezone: string }): Actor {
  return {
    userId: 0,
    workspaceId: workspace.id,
    role: 'admin',
    locale: workspace.locale === 'ru' ? 'ru' : 'en',
    timezone: workspace.timezone,
    name: 'system',
  };
}

export function isSystemActor(actor: Actor): boolean {
  return actor.userId === 0;
}
