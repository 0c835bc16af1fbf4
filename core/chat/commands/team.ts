// /team and /assign: running the team from chat, buttons first. Everyone sees the team and
// each member's load; heads and admins toggle duty, set vacations, invite and reassign; only
// admins change roles and deactivate (with a handover, previewed before it is confirmed).
// Button data (under 64 bytes): team:show:ID, team:duty:ID:on|off, team:vac:ID[:7d|14d|off],
// team:role:ID[:ROLE], team:invite:ID, team:deact:ID, team:handover:ID:rr|TO,
// team:confirm:ID:rr|TO, team:cancel:ID, lead:assign:N[:TO], deal:assign:N[:TO].
import type { Actor } from '../../actor.js';
import { seesWholeTeam } from '../../actor.js';
import { formatDateTime, t, type Locale, type MessageKey } from '../../i18n/index.js';
import { addUser, newInviteCode, setOnDuty } from '../../users/index.js';
import { assertAdmin, assertHeadOrAdmin, changeRole, listTeam, teamMember, type TeamMember } from '../../users/team.js';
import { setVacation } from '../../users/vacation.js';
import { deactivateMember, handoverLines, parseHandoverTarget, planHandover, targetArg, type HandoverTarget } from '../../users/handover.js';
import { assignLead } from '../../leads/index.js';
import { reassignDeal } from '../../deals/index.js';
import { loadTeamRecipients } from '../../outbound/recipient.js';
import { localParts, zonedTimeToInstant } from '../../time/zoned.js';
import { parseOffset } from '../durations.js';
import { findMemberByName } from '../lookups.js';
import { leadButtons } from '../notify.js';
import { buttonRows, reply, type Button, type Reply } from '../reply.js';
import type { Turn } from '../turn.js';
import { push } from '../turn.js';
import type { Command } from './command.js';
import { idAndRest, parseId, say, usage } from './command.js';
import { invalid, notFound } from '../../errors.js';

const roleLabel = (locale: Locale, role: string) => t(locale, `role.${role}` as MessageKey);

function dutyText(locale: Locale, m: Pick<TeamMember, 'onDuty' | 'active' | 'vacationUntil'>, timezone: string): string {
  if (!m.active) return t(locale, 'team.state_inactive');
  if (m.vacationUntil) return t(locale, 'team.state_vacation', { until: formatDateTime(locale, m.vacationUntil, timezone) });
  return t(locale, m.onDuty ? 'users.on_duty' : 'users.off_duty');
}

function memberLine(actor: Actor, m: TeamMember): string {
  return t(actor.locale, 'team.line', {
    id: m.id,
    name: m.name,
    role: roleLabel(actor.locale, m.role),
    duty: dutyText(actor.locale, m, actor.timezone),
    leads: m.load.leads,
    deals: m.load.deals,
    tasks: m.load.tasks,
    linked: m.linked ? '' : ` · ${t(actor.locale, 'users.not_linked')}`,
  });
}

export async function teamList(turn: Turn, actor: Actor): Promise<Reply[]> {
  const team = await listTeam(turn.ctx, actor);
  const lines = [t(actor.locale, 'team.title', { count: team.length }), ...team.map((m) => memberLine(actor, m))];
  if (!seesWholeTeam(actor)) return [reply(lines.join('\n'))];
  lines.push('', t(actor.locale, 'team.hint'));
  const buttons = team.slice(0, 30).map((m) => ({ label: `#${m.id} ${m.name}`.slice(0, 40), data: `team:show:${m.id}` }));
  return [reply(lines.join('\n'), buttonRows(buttons, 2))];
}

export async function memberCard(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  const m = await teamMember(turn.ctx, actor, id);
  const text = memberLine(actor, m);
  if (!seesWholeTeam(actor) || !m.active) return [reply(text)];
  const loc = actor.locale;
  const rows: Button[][] = [
    [
      m.onDuty || m.vacationUntil
        ? { label: t(loc, 'team.button.duty_off'), data: `team:duty:${id}:off` }
        : { label: t(loc, 'team.button.duty_on'), data: `team:duty:${id}:on` },
      { label: t(loc, 'team.button.vacation'), data: `team:vac:${id}` },
    ],
    [{ label: t(loc, 'team.button.invite'), data: `team:invite:${id}` }],
  ];
  if (actor.role === 'admin') {
    rows[1]!.unshift({ label: t(loc, 'team.button.role'), data: `team:role:${id}` });
    rows.push([{ label: t(loc, 'team.button.deactivate'), data: `team:deact:${id}` }]);
  }
  return [reply(text, rows)];
}

function inviteText(turn: Turn, actor: Actor, name: string, code: string, expires: Date): string {
  const bot = turn.deps.telegramBotUsername;
  const lines = [t(actor.locale, 'team.invite_code', { name, code, expires: formatDateTime(actor.locale, expires, actor.timezone) })];
  if (bot) lines.push(t(actor.locale, 'team.invite_link', { link: `https://t.me/${bot}?start=${code}` }));
  lines.push(t(actor.locale, 'team.invite_how', { code }));
  return lines.join('\n');
}

async function invite(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  // "/team invite Anna Smith head": the last word is the role when it is one
  const words = args.trim().split(/\s+/).filter(Boolean);
  const roleWord = words.length > 1 ? ROLE_WORDS[words[words.length - 1]!.toLowerCase()] : undefined;
  const name = (roleWord ? words.slice(0, -1) : words).join(' ');
  if (!name) return usage(actor, '/team invite NAME [manager|head|admin]');
  const added = await addUser(turn.ctx, actor, { name, role: roleWord ?? 'manager', locale: actor.locale });
  return [
    reply(
      t(actor.locale, 'team.invited', { id: added.user.id, name, role: roleLabel(actor.locale, added.user.role) }) +
        '\n' +
        inviteText(turn, actor, name, added.inviteCode, added.inviteExpiresAt),
    ),
  ];
}

async function reinvite(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  const r = await newInviteCode(turn.ctx, actor, id);
  return [reply(inviteText(turn, actor, r.user.name, r.inviteCode, r.inviteExpiresAt))];
}

const ROLE_WORDS: Record<string, string> = {
  manager: 'manager',
  менеджер: 'manager',
  head: 'head',
  руководитель: 'head',
  рук: 'head',
  admin: 'admin',
  админ: 'admin',
  администратор: 'admin',
};

async function role(turn: Turn, actor: Actor, id: number, roleText: string | undefined): Promise<Reply[]> {
  assertAdmin(actor);
  if (!roleText) {
    const m = await teamMember(turn.ctx, actor, id);
    const buttons = (['manager', 'head', 'admin'] as const)
      .filter((r) => r !== m.role)
      .map((r) => ({ label: roleLabel(actor.locale, r), data: `team:role:${id}:${r}` }));
    return [reply(t(actor.locale, 'team.role_ask', { name: m.name, role: roleLabel(actor.locale, m.role) }), [buttons])];
  }
  const { user, before } = await changeRole(turn.ctx, actor, id, ROLE_WORDS[roleText.toLowerCase()] ?? roleText);
  if (before === user.role) return say(actor, 'team.role_same', { name: user.name, role: roleLabel(actor.locale, user.role) });
  return say(actor, 'team.role_set', { name: user.name, role: roleLabel(actor.locale, user.role) });
}

async function duty(turn: Turn, actor: Actor, id: number, state: string | undefined): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  const s = (state ?? '').toLowerCase();
  const on = ['on', 'вкл', 'да'].includes(s) ? true : ['off', 'выкл', 'нет'].includes(s) ? false : null;
  if (on === null) return usage(actor, '/team duty ID on|off');
  const before = await teamMember(turn.ctx, actor, id);
  // back on duty ends a vacation as well (and its job finds nothing to do)
  const user = on && before.vacationUntil ? await setVacation(turn.ctx, actor, id, null) : await setOnDuty(turn.ctx, actor, id, on);
  return say(actor, user.onDuty ? 'users.duty_set_on' : 'users.duty_set_off', { name: user.name });
}

/**
 * A return time as typed: "2026-12-20", "20.12", "20.12.2026" (the start of that day in the
 * actor's zone), "7d", "2w", "12h", "tomorrow", or an ISO date-time with its zone
 * ("2026-12-20T09:00:00Z"). "off" is null (back now). Undefined when none of these.
 */
export function parseReturn(text: string, now: Date, timeZone: string): Date | null | undefined {
  const v = text.trim().toLowerCase();
  if (['off', 'end', 'stop', 'конец', 'выкл', 'стоп'].includes(v)) return null;
  const weeks = /^(\d{1,2})\s*(w|н|нед)$/u.exec(v);
  if (weeks) return new Date(now.getTime() + Number(weeks[1]) * 7 * 86_400_000);
  const offset = parseOffset(v, now, timeZone);
  if (offset) return offset;
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})$/.test(v)) {
    const at = new Date(text.trim());
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  let y: number | undefined;
  let mo: number;
  let d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const dotted = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$/.exec(v);
  if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dotted) [d, mo, y] = [Number(dotted[1]), Number(dotted[2]), dotted[3] ? Number(dotted[3]) : undefined];
  else return undefined;
  const today = localParts(now, timeZone);
  const year = y ?? today.year;
  const probe = new Date(Date.UTC(year, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return undefined;
  let at = zonedTimeToInstant({ year, month: mo, day: d, hour: 0, minute: 0 }, timeZone);
  // a day without a year that has passed is next year's
  if (y === undefined && at.getTime() <= now.getTime()) at = zonedTimeToInstant({ year: year + 1, month: mo, day: d, hour: 0, minute: 0 }, timeZone);
  return at;
}

async function vacation(turn: Turn, actor: Actor, id: number, when: string | undefined): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  if (!when) {
    const m = await teamMember(turn.ctx, actor, id);
    const buttons: Button[] = [
      { label: t(actor.locale, 'team.button.vac_1w'), data: `team:vac:${id}:7d` },
      { label: t(actor.locale, 'team.button.vac_2w'), data: `team:vac:${id}:14d` },
    ];
    if (m.vacationUntil) buttons.push({ label: t(actor.locale, 'team.button.vac_end'), data: `team:vac:${id}:off` });
    return [reply(t(actor.locale, 'team.vacation_ask', { name: m.name, id }), buttonRows(buttons, 2))];
  }
  const until = parseReturn(when, turn.now, actor.timezone);
  if (until === undefined) throw invalid('team.vacation_bad_date', { value: when });
  const user = await setVacation(turn.ctx, actor, id, until);
  if (!until) return say(actor, 'team.vacation_ended', { name: user.name });
  return say(actor, 'team.vacation_set', { name: user.name, until: formatDateTime(actor.locale, until, actor.timezone) });
}

async function askHandover(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  assertAdmin(actor);
  const m = await teamMember(turn.ctx, actor, id);
  if (!m.active) throw invalid('team.already_inactive', { name: m.name });
  const others = (await listTeam(turn.ctx, actor)).filter((u) => u.id !== id && u.active);
  const buttons: Button[] = [{ label: t(actor.locale, 'team.button.round_robin'), data: `team:handover:${id}:rr` }];
  for (const u of others.slice(0, 12)) buttons.push({ label: `${u.name}`.slice(0, 40), data: `team:handover:${id}:${u.id}` });
  return [
    reply(t(actor.locale, 'team.deactivate_ask', { name: m.name, leads: m.load.leads, deals: m.load.deals, tasks: m.load.tasks }), buttonRows(buttons, 2)),
  ];
}

async function previewHandover(turn: Turn, actor: Actor, id: number, target: HandoverTarget): Promise<Reply[]> {
  const plan = await planHandover(turn.ctx, actor, id, target);
  const names = new Map(plan.receivers.map((r) => [r.id, r.name]));
  const loc = actor.locale;
  const to =
    target.kind === 'round_robin'
      ? t(loc, 'team.preview_rr', { names: plan.receivers.map((r) => r.name).join(', ') || t(loc, 'chat.lead.nobody') })
      : t(loc, 'team.preview_to', { name: plan.receivers[0]!.name });
  const moves = handoverLines(loc, plan, names);
  const lines = [t(loc, 'team.preview_title', { name: plan.member.name }), to, ...(moves.length ? moves : [t(loc, 'team.preview_nothing')])];
  lines.push('', t(loc, 'team.preview_after', { name: plan.member.name }));
  const arg = targetArg(target);
  return [
    reply(lines.join('\n'), [
      [
        { label: t(loc, 'team.button.confirm_deactivate'), data: `team:confirm:${id}:${arg}` },
        { label: t(loc, 'team.button.cancel'), data: `team:cancel:${id}` },
      ],
    ]),
  ];
}

async function confirmDeactivate(turn: Turn, actor: Actor, id: number, target: HandoverTarget): Promise<Reply[]> {
  const result = await deactivateMember(turn.ctx, actor, id, target);
  for (const n of result.notices) push(turn, { ...n, dedupeKey: `${n.dedupeKey}:${turn.message.dedupeKey}`.slice(0, 200) });
  const { plan } = result;
  return say(actor, 'team.deactivated', {
    name: plan.member.name,
    leads: plan.leads.length,
    deals: plan.deals.length,
    tasks: plan.tasks.length,
    digests: plan.subscriptions.length,
    receivers:
      [...new Set([...plan.leads, ...plan.deals, ...plan.tasks].map((x) => x.to))].map((r) => plan.receivers.find((p) => p.id === r)?.name).join(', ') || '—',
  });
}

/** /team deactivate ID [rr|ID]: asks for the handover, or previews it with Confirm / Cancel. */
async function deactivate(turn: Turn, actor: Actor, id: number, rest: string): Promise<Reply[]> {
  assertAdmin(actor);
  const words = rest.split(/\s+/).filter((w) => w && !['to', 'кому', '->', '→'].includes(w.toLowerCase()));
  if (!words.length) return askHandover(turn, actor, id);
  const target = parseHandoverTarget(words[0]) ?? (await targetByName(turn, actor, words.join(' ')));
  return previewHandover(turn, actor, id, target);
}

async function targetByName(turn: Turn, actor: Actor, name: string): Promise<HandoverTarget> {
  return { kind: 'user', userId: await resolveWho(turn, actor, name) };
}

const SUB: Record<string, string> = {
  invite: 'invite',
  пригласить: 'invite',
  role: 'role',
  роль: 'role',
  duty: 'duty',
  дежурство: 'duty',
  vacation: 'vacation',
  отпуск: 'vacation',
  deactivate: 'deactivate',
  отключить: 'deactivate',
  деактивировать: 'deactivate',
};

async function teamCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  if (!args) return teamList(turn, actor);
  const asId = parseId(args);
  if (asId !== null) return memberCard(turn, actor, asId);
  const [first, ...more] = args.split(/\s+/);
  const sub = SUB[first!.toLowerCase()];
  const restText = more.join(' ');
  if (sub === 'invite') return invite(turn, actor, restText);
  const { id, rest } = idAndRest(restText);
  const word = rest.split(/\s+/)[0] || undefined;
  switch (sub) {
    case 'role':
      return id === null ? usage(actor, '/team role ID manager|head|admin') : role(turn, actor, id, word);
    case 'duty':
      return id === null ? usage(actor, '/team duty ID on|off') : duty(turn, actor, id, word);
    case 'vacation':
      return id === null ? usage(actor, '/team vacation ID 2026-12-20|7d|off') : vacation(turn, actor, id, rest || undefined);
    case 'deactivate':
      return id === null ? usage(actor, '/team deactivate ID [rr|ID]') : deactivate(turn, actor, id, rest);
  }
  return usage(actor, '/team [ID] | /team invite NAME [role] | /team role|duty|vacation|deactivate ID …');
}

/** team:<verb>:<id>[:<arg>] button presses. */
export async function teamAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  switch (verb) {
    case 'show':
      return memberCard(turn, actor, id);
    case 'duty':
      return duty(turn, actor, id, arg);
    case 'vac':
      return vacation(turn, actor, id, arg);
    case 'role':
      return role(turn, actor, id, arg);
    case 'invite':
      return reinvite(turn, actor, id);
    case 'deact':
      return askHandover(turn, actor, id);
    case 'handover':
    case 'confirm': {
      assertAdmin(actor);
      const target = parseHandoverTarget(arg);
      if (!target) break;
      return verb === 'handover' ? previewHandover(turn, actor, id, target) : confirmDeactivate(turn, actor, id, target);
    }
    case 'cancel':
      return say(actor, 'team.deactivate_cancelled');
  }
  return say(actor, 'chat.customer.button_ignored');
}

// ---- /assign: a lead or a deal to a colleague by hand, both owners told ----

async function assignChoices(turn: Turn, actor: Actor, kind: 'lead' | 'deal', id: number, current: number | null): Promise<Reply[]> {
  const team = (await listTeam(turn.ctx, actor)).filter((m) => m.id !== current);
  const buttons = team.slice(0, 16).map((m) => ({
    label: t(actor.locale, 'team.assign_option', { name: m.name, leads: m.load.leads, duty: m.onDuty ? '' : ' ⏸' }).slice(0, 40),
    data: `${kind}:assign:${id}:${m.id}`,
  }));
  return [reply(t(actor.locale, kind === 'lead' ? 'team.assign_ask_lead' : 'team.assign_ask_deal', { id }), buttonRows(buttons, 2))];
}

/** Tells the new owner (with the record's buttons) and the previous one; nothing for the speaker themselves. */
async function tellOwners(
  turn: Turn,
  actor: Actor,
  what: { kind: 'lead' | 'deal'; id: number; label: string; from: number | null; to: number; leadId?: number; dealId?: number },
) {
  const people = await loadTeamRecipients(turn.ctx, [what.to, ...(what.from ? [what.from] : [])]);
  const to = people.get(what.to);
  const from = what.from ? people.get(what.from) : undefined;
  const ref = what.kind === 'lead' ? { leadId: what.id } : { dealId: what.id };
  if (to?.identityId && to.userId !== actor.userId) {
    push(turn, {
      identityId: to.identityId,
      text: t(to.locale, what.kind === 'lead' ? 'team.assigned_you_lead' : 'team.assigned_you_deal', { id: what.id, label: what.label, by: actor.name ?? '' }),
      buttons: what.kind === 'lead' ? leadButtons(to.locale, what.id) : undefined,
      ref: { userId: to.userId, ...ref },
    });
  }
  if (from?.identityId && from.userId !== actor.userId && from.userId !== what.to) {
    push(turn, {
      identityId: from.identityId,
      text: t(from.locale, what.kind === 'lead' ? 'team.assigned_away_lead' : 'team.assigned_away_deal', {
        id: what.id,
        label: what.label,
        by: actor.name ?? '',
        to: to?.name ?? '',
      }),
      ref: { userId: from.userId, ...ref },
    });
  }
}

export async function assignLeadTo(turn: Turn, actor: Actor, leadId: number, who: string | undefined): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  const lead = await turn.ctx.db.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId }, include: { contact: { select: { name: true } } } });
  if (!lead) throw notFound('what.lead', { id: leadId });
  if (!who) return assignChoices(turn, actor, 'lead', leadId, lead.assigneeId);
  const userId = await resolveWho(turn, actor, who);
  const updated = await assignLead(turn.ctx, actor, leadId, userId);
  const to = await teamMember(turn.ctx, actor, userId);
  if (lead.assigneeId !== updated.assigneeId)
    await tellOwners(turn, actor, { kind: 'lead', id: leadId, label: lead.contact.name, from: lead.assigneeId, to: userId });
  return say(actor, 'team.assigned_lead', { id: leadId, name: to.name });
}

export async function assignDealTo(turn: Turn, actor: Actor, dealId: number, who: string | undefined): Promise<Reply[]> {
  assertHeadOrAdmin(actor);
  const deal = await turn.ctx.db.deal.findFirst({ where: { id: dealId, workspaceId: actor.workspaceId } });
  if (!deal) throw notFound('what.deal', { id: dealId });
  if (!who) return assignChoices(turn, actor, 'deal', dealId, deal.ownerId);
  const userId = await resolveWho(turn, actor, who);
  const updated = await reassignDeal(turn.ctx, actor, dealId, userId);
  const to = await teamMember(turn.ctx, actor, userId);
  if (deal.ownerId !== updated.ownerId) await tellOwners(turn, actor, { kind: 'deal', id: dealId, label: deal.title, from: deal.ownerId, to: userId });
  return say(actor, 'team.assigned_deal', { id: dealId, title: deal.title, name: to.name });
}

/** A member by number, or by a name that fits exactly one active member. */
async function resolveWho(turn: Turn, actor: Actor, who: string): Promise<number> {
  const id = parseId(who);
  if (id !== null) return id;
  const user = await findMemberByName(turn.ctx, actor, who);
  if (!user) throw invalid('team.who_unknown', { name: who });
  return user.id;
}

const DEAL_WORDS = ['deal', 'сделка', 'сделку'];
const LEAD_WORDS = ['lead', 'лид'];

async function assignCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let kind: 'lead' | 'deal' = 'lead';
  if (words[0] && DEAL_WORDS.includes(words[0].toLowerCase())) {
    kind = 'deal';
    words.shift();
  } else if (words[0] && LEAD_WORDS.includes(words[0].toLowerCase())) words.shift();
  const id = parseId(words[0]);
  if (id === null) return usage(actor, '/assign N [WHO] | /assign deal N [WHO]');
  const who =
    words
      .slice(1)
      .filter((w) => !['to', 'на', '->', '→'].includes(w.toLowerCase()))
      .join(' ') || undefined;
  return kind === 'lead' ? assignLeadTo(turn, actor, id, who) : assignDealTo(turn, actor, id, who);
}

/** The "Assign" button row for a lead or deal card (heads and admins only). */
export function assignButtonRow(actor: Actor, kind: 'lead' | 'deal', id: number): Button[][] {
  return seesWholeTeam(actor) ? [[{ label: t(actor.locale, 'team.button.assign'), data: `${kind}:assign:${id}` }]] : [];
}

export const teamCommands: Command[] = [
  { names: ['team', 'команда'], run: async ({ turn, actor, args }) => teamCommand(turn, actor, args) },
  { names: ['assign', 'назначить'], run: async ({ turn, actor, args }) => assignCommand(turn, actor, args) },
];
