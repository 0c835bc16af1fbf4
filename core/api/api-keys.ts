// API keys of a workspace (leadline apikey create|list|revoke). A key is shown once, when it
// is made; only its sha256 is stored (keyHash, unique), with its first characters (prefix)
// for lists. A key acts either as a team member (`userId`: that member's permissions, as in
// chat) or as an integration (Leadline itself: the whole workspace); its scopes narrow what
// it may do either way. A revoked key, or one whose member left, authenticates no more.
import { createHash, randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { systemActor } from '../actor.js';
import { recordAudit } from '../audit.js';
import { invalid, notFound } from '../errors.js';
import { actorForUser, memberActor } from '../users/find-users.js';

export const API_SCOPES = ['leads:read', 'leads:write', 'contacts:read', 'contacts:write', 'deals:read', 'deals:write', 'tasks:read', 'tasks:write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const KEY_SHAPE = /^ll_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{32,64}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** "leads:write,contacts:read" -> scopes; unknown names are refused (invalid input naming them). */
export function parseScopes(list: string | undefined): ApiScope[] {
  if (list === undefined) return [...API_SCOPES];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(API_SCOPES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw invalid('api.invalid.scopes', { given: unknown.join(', ') || list, known: API_SCOPES.join(', ') });
  return [...new Set(names)] as ApiScope[];
}

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  userId: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function view(k: {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  userId: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    userId: k.userId,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** Makes a key; the returned `key` is the only time it exists in clear. */
export async function createApiKey(
  ctx: CoreContext,
  actor: Actor,
  input: { name: string; scopes: ApiScope[]; userId?: number | null },
  actorKind = 'cli',
): Promise<{ id: number; key: string; view: ApiKeyView }> {
  if (input.userId) {
    const member = await actorForUser(ctx.db, input.userId);
    if (member.workspaceId !== actor.workspaceId) throw notFound('what.user', { id: input.userId });
  }
  const prefix = `ll_${randomBytes(6).toString('base64url')}`;
  const key = `${prefix}_${randomBytes(24).toString('base64url')}`;
  const created = await ctx.db.apiKey.create({
    data: { workspaceId: actor.workspaceId, name: input.name.trim(), prefix, keyHash: hashApiKey(key), scopes: input.scopes, userId: input.userId ?? null },
  });
  await recordAudit(ctx.db, actor, {
    action: 'apikey.create',
    entity: 'ApiKey',
    entityId: created.id,
    after: { name: created.name, prefix, scopes: created.scopes, userId: created.userId },
    actorKind,
  });
  return { id: created.id, key, view: view(created) };
}

export async function listApiKeys(ctx: CoreContext, actor: Actor): Promise<ApiKeyView[]> {
  const rows = await ctx.db.apiKey.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { id: 'asc' } });
  return rows.map(view);
}

export async function revokeApiKey(ctx: CoreContext, actor: Actor, id: number, actorKind = 'cli'): Promise<void> {
  const { count } = await ctx.db.apiKey.updateMany({ where: { id, workspaceId: actor.workspaceId, revokedAt: null }, data: { revokedAt: ctx.clock.now() } });
  if (count === 0) throw notFound('what.api_key', { id });
  await recordAudit(ctx.db, actor, { action: 'apikey.revoke', entity: 'ApiKey', entityId: id, actorKind });
}

export interface ApiCaller {
  keyId: number;
  keyName: string;
  workspaceId: number;
  /** the workspace's region for local phone numbers */
  phoneRegion: string;
  scopes: ReadonlySet<string>;
  actor: Actor;
}

/** lastUsedAt is written at most this often per key (not on every call) */
const TOUCH_MS = 60_000;

/** The caller a bearer key stands for, or null (unknown, malformed, revoked, or its member inactive). One statement. */
export async function authenticateApiKey(ctx: CoreContext, key: string): Promise<ApiCaller | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const row = await ctx.stores.api.keyByHash(ctx.db, hashApiKey(key));
  if (!row || row.revokedAt) return null;
  let actor: Actor;
  if (row.userId !== null) {
    // a member who left (or is gone) authenticates no more
    if (!row.userActive || row.userRole === null || row.userWorkspaceId === null || row.userName === null) return null;
    actor = memberActor(
      { id: row.userId, workspaceId: row.userWorkspaceId, role: row.userRole, locale: row.userLocale, timezone: row.userTimezone, name: row.userName },
      { locale: row.userWsLocale ?? row.wsLocale, timezone: row.userWsTimezone ?? row.wsTimezone },
    );
  } else {
    actor = { ...systemActor({ id: row.workspaceId, locale: row.wsLocale, timezone: row.wsTimezone }), name: `api:${row.name}` };
  }
  const now = ctx.clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_MS) {
    await ctx.db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { keyId: row.id, keyName: row.name, workspaceId: row.workspaceId, phoneRegion: row.phoneRegion, scopes: new Set(row.scopes), actor };
}
