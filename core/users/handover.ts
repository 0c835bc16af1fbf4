// Deactivating a team member with a handover of their open work (admins only; the CLI's
// `leadline user deactivate ID --handover-to ID` and chat's /team share this use case).
//
// planHandover says, before anything changes, what moves and to whom: the member's open
// leads, open deals, open tasks and digest subscriptions, to one chosen active member or in
// turn (round robin) among the active on-duty members (managers first; heads and admins when
// no manager is on duty). A customer's lead, its deal and their tasks stay together with one
// new owner. deactivateMember computes the same plan inside its transaction (the member's row
// locked first, so round robin skips them from then on) and applies it: every move, the
// deactivation and the expired invite codes are audited in that one transaction. What it
// returns carries one notice per new owner (what they got and from whom), for the caller to
// push after the commit.
//
// A deactivated member keeps their history and linked accounts, but gets no new leads (round
// robin takes active members only), no pushes (recipients must be active), no digests and can
// no longer act (the engine treats only active members as members).
import type { User } from '../../prisma/generated/client.js';
import type { DigestKind, Role } from '../../prisma/generated/enums.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type DbOrTx } from '../db.js';
import { invalid, notFound } from '../errors.js';
import { t } from '../i18n/index.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import { loadTeamRecipients } from '../outbound/recipient.js';
import type { OutboxItem } from '../ports.js';
import { assertAdmin } from './team.js';

export type HandoverTarget = { kind: 'round_robin' } | { kind: 'user'; userId: number };

export interface HandoverPerson {
  id: number;
  name: string;
}

export interface HandoverPlan {
  member: HandoverPerson & { role: Role };
  target: HandoverTarget;
  /** who receives work, in turn order (one person for a chosen target) */
  receivers: HandoverPerson[];
  leads: Array<{ id: number; name: string; to: number }>;
  deals: Array<{ id: number; title: string; to: number }>;
  tasks: Array<{ id: number; title: string; to: number }>;
  /** `to` null: the receiver already has that digest, the member's is switched off */
  subscriptions: Array<{ id: number; kind: DigestKind; to: number | null }>;
}

/** "rr", "round-robin", "auto" (any case) or a user id; null when neither. */
export function parseHandoverTarget(text: string | undefined): HandoverTarget | null {
  const v = (text ?? '').trim().toLowerCase().replace(/^#/, '');
  if (!v || ['rr', 'round-robin', 'roundrobin', 'auto', 'по-кругу', 'авто'].includes(v)) return { kind: 'round_robin' };
  return /^\d{1,9}$/.test(v) ? { kind: 'user', userId: Number(v) } : null;
}

/** Button data form of a target: "rr" or the user id. */
export function targetArg(target: HandoverTarget): string {
  return target.kind === 'round_robin' ? 'rr' : String(target.userId);
}

async function receiversFor(db: DbOrTx, member: User, target: HandoverTarget): Promise<HandoverPerson[]> {
  if (target.kind === 'user') {
    if (target.userId === member.id) throw invalid('team.handover_to_self', { name: member.name });
    const to = await db.user.findFirst({ where: { id: target.userId, workspaceId: member.workspaceId } });
    if (!to) throw notFound('what.user', { id: target.userId });
    if (!to.active) throw invalid('invalid.assignee_inactive', { name: to.name });
    return [{ id: to.id, name: to.name }];
  }
  const onDuty = await db.user.findMany({
    where: { workspaceId: member.workspaceId, active: true, onDuty: true, id: { not: member.id } },
    select: { id: true, name: true, role: true, lastAssignedAt: true },
    orderBy: [{ lastAssignedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
  });
  const managers = onDuty.filter((u) => u.role === 'manager');
  return (managers.length ? managers : onDuty).map((u) => ({ id: u.id, name: u.name }));
}

async function buildPlan(db: DbOrTx, actor: Actor, userId: number, target: HandoverTarget): Promise<HandoverPlan> {
  assertAdmin(actor);
  const member = await db.user.findFirst({ where: { id: userId, workspaceId: actor.workspaceId } });
  if (!member) throw notFound('what.user', { id: userId });
  if (!member.active) throw invalid('team.already_inactive', { name: member.name });
  if (member.id === actor.userId) throw invalid('team.cannot_deactivate_self');
  if (member.role === 'admin') {
    const admins = await db.user.count({ where: { workspaceId: actor.workspaceId, role: 'admin', active: true } });
    if (admins <= 1) throw invalid('team.last_admin', { name: member.name });
  }
  const receivers = await receiversFor(db, member, target);
  const [leads, deals, tasks, subs] = await Promise.all([
    db.lead.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: member.id, status: { in: [...OPEN_LEAD_STATUSES] } },
      select: { id: true, contact: { select: { name: true } } },
      orderBy: { id: 'asc' },
    }),
    db.deal.findMany({
      where: { workspaceId: actor.workspaceId, ownerId: member.id, status: 'open' },
      select: { id: true, title: true, leadId: true },
      orderBy: { id: 'asc' },
    }),
    db.task.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: member.id, status: 'open' },
      select: { id: true, title: true, leadId: true, dealId: true },
      orderBy: { id: 'asc' },
    }),
    db.digestSubscription.findMany({ where: { userId: member.id, enabled: true }, select: { id: true, kind: true }, orderBy: { id: 'asc' } }),
  ]);
  const work = leads.length + deals.length + tasks.length + subs.length;
  if (work > 0 && receivers.length === 0) throw invalid('team.no_one_to_hand_over', { name: member.name });

  let turn = 0;
  const next = () => receivers[turn++ % receivers.length]!.id;
  const leadTo = new Map<number, number>();
  const dealTo = new Map<number, number>();
  const plan: HandoverPlan = {
    member: { id: member.id, name: member.name, role: member.role },
    target,
    receivers,
    leads: [],
    deals: [],
    tasks: [],
    subscriptions: [],
  };
  for (const l of leads) {
    const to = next();
    leadTo.set(l.id, to);
    plan.leads.push({ id: l.id, name: l.contact.name, to });
  }
  for (const d of deals) {
    // a deal follows its lead's new owner
    const to = (d.leadId !== null ? leadTo.get(d.leadId) : undefined) ?? next();
    dealTo.set(d.id, to);
    plan.deals.push({ id: d.id, title: d.title, to });
  }
  for (const k of tasks) {
    // a task about a lead or deal that moved goes with it
    const to = (k.leadId !== null ? leadTo.get(k.leadId) : undefined) ?? (k.dealId !== null ? dealTo.get(k.dealId) : undefined) ?? next();
    plan.tasks.push({ id: k.id, title: k.title, to });
  }
  if (subs.length) {
    // digests go to the first receiver (the chosen person, or the first in turn)
    const to = receivers[0]!.id;
    const theirs = new Set(
      (await db.digestSubscription.findMany({ where: { userId: to, enabled: true }, select: { kind: true } })).map((s) => s.kind as DigestKind),
    );
    for (const s of subs) plan.subscriptions.push({ id: s.id, kind: s.kind, to: theirs.has(s.kind) ? null : to });
  }
  return plan;
}

/** What deactivating `userId` would move and to whom; nothing is changed (admins only). */
export async function planHandover(ctx: CoreContext, actor: Actor, userId: number, target: HandoverTarget): Promise<HandoverPlan> {
  return buildPlan(ctx.db, actor, userId, target);
}

export interface DeactivateResult {
  plan: HandoverPlan;
  user: User;
  /** one per new owner who can be reached: what they got, from whom */
  notices: OutboxItem[];
}

/** Deactivates the member and hands their open work over as planned (admins only), in one transaction. */
export async function deactivateMember(ctx: CoreContext, actor: Actor, userId: number, target: HandoverTarget): Promise<DeactivateResult> {
  assertAdmin(actor);
  const now = ctx.clock.now();
  const actorKind = actor.userId ? 'user' : 'cli';
  const { plan, user } = await inTx(ctx.db, async (tx) => {
    // the member's row first: a parallel round-robin pick skips a locked row, so no new lead
    // lands on them while their work is moved
    const locked = await tx.user.updateMany({ where: { id: userId, workspaceId: actor.workspaceId, active: true }, data: { onDuty: false } });
    const plan = await buildPlan(tx, actor, userId, target);
    if (locked.count !== 1) throw notFound('what.user', { id: userId });
    const member = plan.member.id;
    for (const l of plan.leads) {
      const lead = await tx.lead.update({ where: { id: l.id }, data: { assigneeId: l.to } });
      await recordChange(
        tx,
        actor,
        { type: 'lead.assigned', leadId: l.id, contactId: lead.contactId, data: { from: member, to: l.to, reason: 'handover' } },
        { action: 'lead.assign', entity: 'lead', entityId: l.id, before: { assigneeId: member }, after: { assigneeId: l.to }, actorKind },
      );
    }
    for (const d of plan.deals) {
      const deal = await tx.deal.update({ where: { id: d.id }, data: { ownerId: d.to, lastActivityAt: now } });
      await recordChange(
        tx,
        actor,
        {
          type: 'deal.reassigned',
          dealId: d.id,
          contactId: deal.contactId,
          leadId: deal.leadId,
          data: { title: deal.title, fromUserId: member, toUserId: d.to, reason: 'handover' },
        },
        { action: 'deal.reassigned', entity: 'deal', entityId: d.id, before: { ownerId: member }, after: { ownerId: d.to }, actorKind },
      );
    }
    for (const k of plan.tasks) {
      const task = await tx.task.update({ where: { id: k.id }, data: { assigneeId: k.to } });
      await recordChange(
        tx,
        actor,
        {
          type: 'task.reassigned',
          taskId: k.id,
          leadId: task.leadId,
          dealId: task.dealId,
          contactId: task.contactId,
          data: { from: member, to: k.to, reason: 'handover' },
        },
        { action: 'task.reassigned', entity: 'task', entityId: k.id, before: { assigneeId: member }, after: { assigneeId: k.to }, actorKind },
      );
    }
    for (const s of plan.subscriptions) {
      await tx.digestSubscription.update({ where: { id: s.id }, data: s.to === null ? { enabled: false } : { userId: s.to } });
    }
    await tx.inviteCode.updateMany({ where: { userId: member, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    const before = await tx.user.findUniqueOrThrow({ where: { id: member } });
    const user = await tx.user.update({ where: { id: member }, data: { active: false, onDuty: false, vacationUntil: null, deactivatedAt: now } });
    await recordChange(
      tx,
      actor,
      { type: 'user.deactivated', data: { userId: member, handover: target.kind === 'user' ? target.userId : 'round_robin' } },
      {
        action: 'user.deactivate',
        entity: 'user',
        entityId: member,
        before: { active: before.active, vacationUntil: before.vacationUntil },
        after: {
          active: false,
          deactivatedAt: now,
          handover: {
            target,
            leads: plan.leads.map((l) => [l.id, l.to]),
            deals: plan.deals.map((d) => [d.id, d.to]),
            tasks: plan.tasks.map((k) => [k.id, k.to]),
            subscriptions: plan.subscriptions.map((s) => [s.id, s.kind, s.to]),
          },
        },
        actorKind,
      },
    );
    return { plan, user };
  });

  // digest schedules follow their subscriptions (the member's stop: they are inactive now)
  const digestUsers = new Set([userId, ...plan.subscriptions.flatMap((s) => (s.to === null ? [] : [s.to]))]);
  for (const id of digestUsers) await ctx.scheduler?.rescheduleDigests?.(id);

  return { plan, user, notices: await handoverNotices(ctx, actor.workspaceId, plan) };
}

/** One message per new owner: what they got from whom (ids, to open with /lead N, /deals, /tasks). */
async function handoverNotices(ctx: CoreContext, workspaceId: number, plan: HandoverPlan): Promise<OutboxItem[]> {
  const ids = [...new Set(plan.receivers.map((r) => r.id))];
  const recipients = await loadTeamRecipients(ctx, ids);
  const out: OutboxItem[] = [];
  for (const id of ids) {
    const to = recipients.get(id);
    const leads = plan.leads.filter((l) => l.to === id);
    const deals = plan.deals.filter((d) => d.to === id);
    const tasks = plan.tasks.filter((k) => k.to === id);
    const subs = plan.subscriptions.filter((s) => s.to === id);
    if (!to?.identityId || leads.length + deals.length + tasks.length + subs.length === 0) continue;
    const lines = [t(to.locale, 'team.handover_you', { name: plan.member.name })];
    lines.push(...handoverLines(to.locale, { leads, deals, tasks, subscriptions: subs }));
    out.push({
      workspaceId,
      identityId: to.identityId,
      text: lines.join('\n'),
      buttons: leads
        .slice(0, 6)
        .map((l) => [{ label: t(to.locale, 'chat.button.open_lead', { id: l.id, name: l.name.slice(0, 24) }), data: `lead:show:${l.id}` }]),
      dedupeKey: `handover:${plan.member.id}:${id}`,
    });
  }
  return out;
}

/** "Leads: #1 Ivan, #2 Olga" etc., one line per kind that has items (lists cut after 20). */
export function handoverLines(
  locale: 'en' | 'ru',
  items: Pick<HandoverPlan, 'leads' | 'deals' | 'tasks' | 'subscriptions'>,
  names?: Map<number, string>,
): string[] {
  const who = (to: number | null) => (names && to !== null ? ` → ${names.get(to) ?? `#${to}`}` : '');
  const list = <T>(xs: T[], one: (x: T) => string) => xs.slice(0, 20).map(one).join(', ') + (xs.length > 20 ? ` (+${xs.length - 20})` : '');
  const lines: string[] = [];
  if (items.leads.length)
    lines.push(t(locale, 'team.handover_leads', { count: items.leads.length, list: list(items.leads, (l) => `#${l.id} ${l.name}${who(l.to)}`) }));
  if (items.deals.length)
    lines.push(t(locale, 'team.handover_deals', { count: items.deals.length, list: list(items.deals, (d) => `#${d.id} ${d.title}${who(d.to)}`) }));
  if (items.tasks.length)
    lines.push(t(locale, 'team.handover_tasks', { count: items.tasks.length, list: list(items.tasks, (k) => `#${k.id} ${k.title}${who(k.to)}`) }));
  if (items.subscriptions.length) {
    lines.push(
      t(locale, 'team.handover_digests', {
        count: items.subscriptions.length,
        list: list(items.subscriptions, (s) => `${t(locale, `team.digest.${s.kind}`)}${s.to === null ? ` (${t(locale, 'team.digest_has_it')})` : who(s.to)}`),
      }),
    );
  }
  return lines;
}
