// Segments and mailings as a head of sales drives them from chat (core/chat/commands/mailings.ts):
// save a segment, draft a mailing, choose its audience, see the counts and a preview, confirm.
// Only heads and admins mail customers; every change is audited. Sending is the `mailings`
// job's (run-mailing.ts), started on confirmation.
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { CoreContext } from '../context.js';
import { recordAudit, recordChange } from '../audit.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Mailing, Segment } from '../../prisma/generated/client.js';
import { segmentFilterSchema, storedFilter, type SegmentFilter } from './segment-filter.js';
import { countAudience, resolveAudience, type AudienceCounts } from './audience.js';
import type { MailingJobs } from './jobs.js';

/** Longest mailing text (Telegram's message limit, with room for the footer). */
export const MAILING_MAX_CHARS = 3800;

export function assertCanMail(actor: Actor): void {
  if (!seesWholeTeam(actor)) throw forbidden('what.mailings');
}

export async function saveSegment(ctx: CoreContext, actor: Actor, name: string, filter: SegmentFilter): Promise<{ segment: Segment; created: boolean }> {
  assertCanMail(actor);
  const clean = name.trim().slice(0, 100);
  if (!clean) throw invalid('mailing.segment.no_name');
  const json = segmentFilterSchema.parse(filter);
  const before = await ctx.db.segment.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: clean } } });
  const segment = before
    ? await ctx.db.segment.update({ where: { id: before.id }, data: { filter: json } })
    : await ctx.db.segment.create({ data: { workspaceId: actor.workspaceId, name: clean, filter: json, createdById: actor.userId || null } });
  await recordAudit(ctx.db, actor, {
    action: before ? 'segment.update' : 'segment.create',
    entity: 'segment',
    entityId: segment.id,
    before: before ? { name: before.name, filter: before.filter } : undefined,
    after: { name: segment.name, filter: json },
  });
  return { segment, created: !before };
}

export async function listSegments(ctx: CoreContext, actor: Actor, take = 20): Promise<Segment[]> {
  assertCanMail(actor);
  return ctx.db.segment.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: 'asc' }, take });
}

export async function createMailing(ctx: CoreContext, actor: Actor, input: { text: string; subject?: string | null }): Promise<Mailing> {
  assertCanMail(actor);
  const text = input.text.trim();
  if (!text) throw invalid('mailing.empty');
  if (text.length > MAILING_MAX_CHARS) throw invalid('mailing.too_long', { max: MAILING_MAX_CHARS });
  const mailing = await ctx.db.mailing.create({
    data: { workspaceId: actor.workspaceId, text, subject: input.subject ?? null, createdById: actor.userId, locale: actor.locale },
  });
  await recordAudit(ctx.db, actor, { action: 'mailing.create', entity: 'mailing', entityId: mailing.id, after: { text, subject: mailing.subject } });
  return mailing;
}

async function draft(ctx: CoreContext, actor: Actor, id: number): Promise<Mailing> {
  assertCanMail(actor);
  const mailing = await ctx.db.mailing.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!mailing) throw notFound('what.mailing', { id });
  if (mailing.status !== 'draft') throw conflict('mailing.not_draft', { id, status: mailing.status });
  return mailing;
}

/** Points a draft at a saved segment or a filter; resolves to the mailing and its audience counts. */
export async function chooseAudience(
  ctx: CoreContext,
  actor: Actor,
  id: number,
  to: { segmentId: number } | { filter: SegmentFilter },
): Promise<{ mailing: Mailing; counts: AudienceCounts; segmentName: string | null }> {
  const m = await draft(ctx, actor, id);
  let filter: SegmentFilter;
  let segmentId: number | null = null;
  let segmentName: string | null = null;
  if ('segmentId' in to) {
    const segment = await ctx.db.segment.findFirst({ where: { id: to.segmentId, workspaceId: actor.workspaceId } });
    if (!segment) throw notFound('what.segment', { id: to.segmentId });
    const f = storedFilter(segment.filter);
    if (!f) throw invalid('mailing.segment.unreadable', { name: segment.name });
    filter = f;
    segmentId = segment.id;
    segmentName = segment.name;
  } else filter = segmentFilterSchema.parse(to.filter);
  const mailing = await ctx.db.mailing.update({ where: { id: m.id }, data: { filter, segmentId } });
  const counts = countAudience(await resolveAudience(ctx.db, actor.workspaceId, filter));
  await recordAudit(ctx.db, actor, {
    action: 'mailing.audience',
    entity: 'mailing',
    entityId: m.id,
    before: { filter: m.filter, segmentId: m.segmentId },
    after: { filter, segmentId },
  });
  return { mailing, counts, segmentName };
}

/** Confirms a draft: it starts sending (the job), reporting to `reportIdentityId`. */
export async function confirmMailing(
  ctx: CoreContext,
  actor: Actor,
  id: number,
  p: { reportIdentityId: number | null; jobs: MailingJobs | undefined },
): Promise<Mailing> {
  const m = await draft(ctx, actor, id);
  if (!p.jobs) throw invalid('mailing.unavailable');
  const now = ctx.clock.now();
  const changed = await ctx.db.mailing.updateMany({
    where: { id: m.id, status: 'draft' },
    data: { status: 'sending', startedAt: now, reportIdentityId: p.reportIdentityId, locale: actor.locale },
  });
  if (changed.count === 0) throw conflict('mailing.not_draft', { id, status: 'sending' });
  await recordChange(
    ctx.db,
    actor,
    { type: 'mailing.started', data: { mailingId: m.id, filter: m.filter ?? {} } },
    { action: 'mailing.confirm', entity: 'mailing', entityId: m.id, before: { status: 'draft' }, after: { status: 'sending', startedAt: now.toISOString() } },
  );
  // the job waits until this turn is committed (a draft it sees is retried shortly)
  await p.jobs.start({ workspaceId: actor.workspaceId, mailingId: m.id });
  return { ...m, status: 'sending', startedAt: now };
}

export async function cancelMailing(ctx: CoreContext, actor: Actor, id: number): Promise<Mailing> {
  const m = await draft(ctx, actor, id);
  await ctx.db.mailing.update({ where: { id: m.id }, data: { status: 'cancelled', finishedAt: ctx.clock.now() } });
  await recordAudit(ctx.db, actor, {
    action: 'mailing.cancel',
    entity: 'mailing',
    entityId: m.id,
    before: { status: 'draft' },
    after: { status: 'cancelled' },
  });
  return { ...m, status: 'cancelled' };
}
