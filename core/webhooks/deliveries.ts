// From the outbox to deliveries, and what a delivery attempt's outcome does.
//
// relayWebhookEvents: takes unrelayed events (WebhookStore.takeUnrelayed, locked, skipping
// rows another relay holds: several workers share the work), writes one WebhookDelivery per subscribed active endpoint (its id is the
// receiver's dedupe key) and marks the events relayed, in one transaction. The caller then
// queues the deliveries; one whose job never got queued (a worker killed in between) is found
// again by pendingWebhookDeliveries and queued under the same job id.
//
// Every finished attempt is a WebhookAttempt row (when, status or error, how long) written
// with the delivery's counters; an attempt cut short by a killed worker leaves none.
//
// A delivery is retried with backoff for `retryMs` (24 h by default) from its first attempt,
// then given up. An endpoint whose deliveries have failed without a single success for
// `retryMs` is turned off and its owner (or the workspace's admins and heads) told in chat.
import { randomUUID } from 'node:crypto';
import { withTx, type CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { OutboxItem } from '../ports.js';
import { t } from '../i18n/index.js';
import { loadTeamRecipients } from '../outbound/recipient.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.js';

export async function relayWebhookEvents(ctx: CoreContext, limit = 200): Promise<string[]> {
  return inTx(ctx.db, async (tx) => {
    const events = await ctx.stores.webhooks.takeUnrelayed(tx, { limit });
    if (events.length === 0) return [];
    const endpoints = await tx.webhookEndpoint.findMany({
      where: { workspaceId: { in: [...new Set(events.map((e) => e.workspaceId))] }, active: true },
      select: { id: true, workspaceId: true, events: true },
    });
    const rows = events.flatMap((e) =>
      endpoints.filter((p) => p.workspaceId === e.workspaceId && p.events.includes(e.type)).map((p) => ({ id: randomUUID(), eventId: e.id, endpointId: p.id })),
    );
    const created = rows.length ? await tx.webhookDelivery.createManyAndReturn({ data: rows, skipDuplicates: true, select: { id: true } }) : [];
    await tx.webhookEvent.updateMany({ where: { id: { in: events.map((e) => e.id) } }, data: { relayedAt: ctx.clock.now() } });
    return created.map((d) => d.id);
  });
}

/** Deliveries still pending after `olderThanMs`: their jobs may be missing (queued again under the same id). */
export async function pendingWebhookDeliveries(ctx: CoreContext, olderThanMs: number, limit = 500): Promise<string[]> {
  const rows = await ctx.db.webhookDelivery.findMany({
    where: { status: 'pending', updatedAt: { lt: new Date(ctx.clock.now().getTime() - olderThanMs) } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export interface PreparedDelivery {
  id: string;
  endpointId: number;
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** The request for a pending delivery to an active endpoint, signed now; null when there is nothing to send. */
export async function prepareWebhookDelivery(ctx: CoreContext, deliveryId: string, now: Date): Promise<PreparedDelivery | null> {
  const { db } = ctx;
  const d = await db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: true, event: { include: { workspace: { select: { slug: true } } } } },
  });
  if (!d || d.status !== 'pending') return null;
  if (!d.endpoint.active) {
    await db.webhookDelivery.update({ where: { id: d.id }, data: { status: 'failed', lastError: 'endpoint turned off' } });
    return null;
  }
  const body = JSON.stringify({
    id: `evt_${d.eventId}`,
    type: d.event.type,
    createdAt: d.event.createdAt.toISOString(),
    workspace: d.event.workspace.slug,
    data: d.event.data,
  });
  const unix = Math.floor(now.getTime() / 1000);
  return {
    id: d.id,
    endpointId: d.endpointId,
    url: d.endpoint.url,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Leadline-Webhooks/1',
      [SIGNATURE_HEADER.toLowerCase()]: signWebhook(d.endpoint.secret, unix, body),
      [DELIVERY_HEADER.toLowerCase()]: d.id,
      [EVENT_HEADER.toLowerCase()]: d.event.type,
    },
  };
}

/** One finished attempt: when it started and how long the receiver took (or until it failed). */
export interface AttemptTiming {
  startedAt: Date;
  durationMs: number;
}

export async function recordWebhookSuccess(ctx: CoreContext, delivery: PreparedDelivery, status: number, now: Date, timing: AttemptTiming): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const d = await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: 'delivered', attempts: { increment: 1 }, lastStatus: status, deliveredAt: now },
      select: { attempts: true },
    });
    await tx.webhookAttempt.create({ data: attemptRow(delivery.id, d.attempts, timing, status, null) });
    await tx.webhookEndpoint.updateMany({ where: { id: delivery.endpointId, failingSince: { not: null } }, data: { failingSince: null, lastError: null } });
  });
}

function attemptRow(deliveryId: string, number: number, timing: AttemptTiming, status: number | null, error: string | null) {
  return { deliveryId, number, at: timing.startedAt, status, error, durationMs: Math.max(0, Math.round(timing.durationMs)) };
}

/**
 * A failed attempt. Returns "retry" while the delivery is younger than `retryMs`; "given_up"
 * after; "disabled" when the endpoint has failed for `retryMs` without a success (it is turned
 * off and the items telling its owner are returned to be pushed).
 */
export async function recordWebhookFailure(
  ctx: CoreContext,
  delivery: PreparedDelivery,
  failure: { status: number | null; error: string },
  now: Date,
  retryMs: number,
  timing: AttemptTiming,
): Promise<{ outcome: 'retry' | 'given_up' | 'disabled'; notices: OutboxItem[] }> {
  const error = failure.error.slice(0, 500);
  return inTx(ctx.db, async (tx) => {
    const d = await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { attempts: { increment: 1 }, lastStatus: failure.status, lastError: error },
      select: { createdAt: true, attempts: true },
    });
    await tx.webhookAttempt.create({ data: attemptRow(delivery.id, d.attempts, timing, failure.status, error) });
    // failing since the first delivery that has not got through was due
    const endpoint = await ctx.stores.webhooks.markFailing(tx, { endpointId: delivery.endpointId, since: d.createdAt, error });
    if (endpoint && endpoint.active && now.getTime() - endpoint.failingSince.getTime() >= retryMs) {
      await tx.webhookEndpoint.update({ where: { id: delivery.endpointId }, data: { active: false, disabledAt: now } });
      await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'failed' } });
      return { outcome: 'disabled' as const, notices: await disabledNotices(withTx(ctx, tx), delivery.endpointId, endpoint, error, retryMs, now) };
    }
    if (now.getTime() - d.createdAt.getTime() >= retryMs) {
      await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'failed' } });
      return { outcome: 'given_up' as const, notices: [] };
    }
    return { outcome: 'retry' as const, notices: [] };
  });
}

async function disabledNotices(
  ctx: CoreContext,
  endpointId: number,
  endpoint: { workspaceId: number; url: string; ownerId: number | null },
  error: string,
  retryMs: number,
  now: Date,
): Promise<OutboxItem[]> {
  const ids = endpoint.ownerId
    ? [endpoint.ownerId]
    : (await ctx.db.user.findMany({ where: { workspaceId: endpoint.workspaceId, active: true, role: { in: ['admin', 'head'] } }, select: { id: true } })).map(
        (u) => u.id,
      );
  const recipients = await loadTeamRecipients(ctx, ids);
  const items: OutboxItem[] = [];
  for (const r of recipients.values()) {
    if (!r.identityId) continue;
    items.push({
      workspaceId: endpoint.workspaceId,
      identityId: r.identityId,
      text: t(r.locale, 'webhooks.disabled_notice', { id: endpointId, url: endpoint.url, hours: Math.round(retryMs / 3600_000), error }),
      dedupeKey: `webhook-disabled:${endpointId}:${now.getTime()}:${r.userId}`,
    });
  }
  return items;
}
