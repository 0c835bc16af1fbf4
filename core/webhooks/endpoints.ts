// Webhook endpoints of a workspace (leadline webhook add|list|remove|rotate|enable). The signing
// secret is shown when it is made (add, rotate) and kept to sign every delivery.
import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import { invalid, notFound } from '../errors.js';
import { actorForUser } from '../users/find-users.js';

export const WEBHOOK_EVENTS = [
  'lead.created',
  'lead.assigned',
  'deal.created',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'task.due',
  'message.received',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export function parseEvents(list: string | undefined): WebhookEventType[] {
  if (list === undefined) return [...WEBHOOK_EVENTS];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(WEBHOOK_EVENTS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw invalid('webhooks.invalid.events', { given: unknown.join(', ') || list, known: WEBHOOK_EVENTS.join(', ') });
  return [...new Set(names)] as WebhookEventType[];
}

export function parseWebhookUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {
    // refused below
  }
  throw invalid('webhooks.invalid.url', { url: value });
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export interface WebhookView {
  id: number;
  url: string;
  events: string[];
  ownerId: number | null;
  active: boolean;
  failingSince: string | null;
  lastError: string | null;
  createdAt: string;
}

function view(e: {
  id: number;
  url: string;
  events: string[];
  ownerId: number | null;
  active: boolean;
  failingSince: Date | null;
  lastError: string | null;
  createdAt: Date;
}): WebhookView {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    ownerId: e.ownerId,
    active: e.active,
    failingSince: e.failingSince?.toISOString() ?? null,
    lastError: e.lastError,
    createdAt: e.createdAt.toISOString(),
  };
}

export async function addWebhook(
  ctx: CoreContext,
  actor: Actor,
  input: { url: string; events: WebhookEventType[]; ownerId?: number | null },
  actorKind = 'cli',
): Promise<{ id: number; secret: string; view: WebhookView }> {
  const url = parseWebhookUrl(input.url);
  if (input.ownerId) {
    const owner = await actorForUser(ctx.db, input.ownerId);
    if (owner.workspaceId !== actor.workspaceId) throw notFound('what.user', { id: input.ownerId });
  }
  const secret = newSecret();
  const created = await ctx.db.webhookEndpoint.create({
    data: { workspaceId: actor.workspaceId, url, events: input.events, secret, ownerId: input.ownerId ?? null },
  });
  await recordAudit(ctx.db, actor, { action: 'webhook.add', entity: 'WebhookEndpoint', entityId: created.id, after: { url, events: input.events }, actorKind });
  return { id: created.id, secret, view: view(created) };
}

export async function listWebhooks(ctx: CoreContext, actor: Actor): Promise<WebhookView[]> {
  return (await ctx.db.webhookEndpoint.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { id: 'asc' } })).map(view);
}

async function owned(ctx: CoreContext, actor: Actor, id: number) {
  const row = await ctx.db.webhookEndpoint.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!row) throw notFound('what.webhook', { id });
  return row;
}

/** Removes the endpoint and its pending deliveries. */
export async function removeWebhook(ctx: CoreContext, actor: Actor, id: number, actorKind = 'cli'): Promise<void> {
  const row = await owned(ctx, actor, id);
  await ctx.db.webhookEndpoint.delete({ where: { id } });
  await recordAudit(ctx.db, actor, { action: 'webhook.remove', entity: 'WebhookEndpoint', entityId: id, before: { url: row.url }, actorKind });
}

/** A new secret; deliveries from now on are signed with it. */
export async function rotateWebhook(ctx: CoreContext, actor: Actor, id: number, actorKind = 'cli'): Promise<{ id: number; secret: string }> {
  await owned(ctx, actor, id);
  const secret = newSecret();
  await ctx.db.webhookEndpoint.update({ where: { id }, data: { secret } });
  await recordAudit(ctx.db, actor, { action: 'webhook.rotate', entity: 'WebhookEndpoint', entityId: id, actorKind });
  return { id, secret };
}

/** Turns a disabled endpoint back on (its failure run starts afresh). */
export async function enableWebhook(ctx: CoreContext, actor: Actor, id: number, actorKind = 'cli'): Promise<void> {
  await owned(ctx, actor, id);
  await ctx.db.webhookEndpoint.update({ where: { id }, data: { active: true, disabledAt: null, failingSince: null, lastError: null } });
  await recordAudit(ctx.db, actor, { action: 'webhook.enable', entity: 'WebhookEndpoint', entityId: id, actorKind });
}

export interface WebhookDeliveryView {
  id: string;
  event: { id: string; type: string; createdAt: string };
  status: string;
  attempts: Array<{ number: number; at: string; status: number | null; error: string | null; durationMs: number }>;
  deliveredAt: string | null;
}

/** The endpoint's latest deliveries, newest first, each with its recorded attempts. */
export async function listWebhookDeliveries(ctx: CoreContext, actor: Actor, id: number, limit = 20): Promise<WebhookDeliveryView[]> {
  await owned(ctx, actor, id);
  const rows = await ctx.db.webhookDelivery.findMany({
    where: { endpointId: id },
    orderBy: [{ createdAt: 'desc' }, { eventId: 'desc' }],
    take: Math.min(Math.max(1, limit), 500),
    include: { event: { select: { id: true, type: true, createdAt: true } }, attemptLog: { orderBy: { number: 'asc' } } },
  });
  return rows.map((d) => ({
    id: d.id,
    event: { id: `evt_${d.event.id}`, type: d.event.type, createdAt: d.event.createdAt.toISOString() },
    status: d.status,
    attempts: d.attemptLog.map((a) => ({ number: a.number, at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.durationMs })),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  }));
}
