// A client's group chat with the team (a Telegram group the bot was added to): the bot is the
// group's assistant, the group one conversation with a company.
// - added (my_chat_member): the group is stored (ClientGroup, "pending") and the bot asks in
//   the group which company it is with, with buttons (the companies its title names, a new
//   company by that title, "not a client group"); the member who added the bot answers, or a
//   head of sales or an admin; it also says what
//   it sees with and without admin rights (Telegram's privacy mode);
// - a client's message (anyone who is not a linked team member): the person becomes a contact
//   of the company, the message is stored in the group's conversation and continues the
//   company's open deal, else its open lead, else opens a lead (round robin); the owner is
//   told; the group's first-response clock starts (ClientGroup.waitingSince, replyDueAt) and
//   its check is scheduled (core/sla/check-group-sla.ts alerts the owner and the heads);
// - a team member's message (recognised by their linked identity) is the team's response:
//   stored as outgoing, the clock stops, an open lead's first response is marked. So is an
//   answer relayed into the group through Leadline (core/chat/relay.ts);
// - removed: the group is "left"; nothing more is sent there.
// Sending to a group is spaced by TELEGRAM_PER_GROUP_CHAT_MS (20 messages a minute), the
// outbound queue's per-chat clock (connectors/queue/rate-limit.ts).
import type { Turn } from './turn.js';
import { storeMemberMessage } from './member-message.js';
import { push } from './turn.js';
import { reply, type Reply, type Button } from './reply.js';
import type { Speaker } from './speaker.js';
import { seesWholeTeam, systemActor } from '../actor.js';
import { recordActivity, recordChange } from '../audit.js';
import { findOrCreateContact } from '../contacts/find-or-create-contact.js';
import { findOrCreateCompany, companyKey } from '../contacts/find-or-create-company.js';
import { captureLead, firstResponseDueAt, markFirstResponse, OPEN_LEAD_STATUSES } from '../leads/index.js';
import { forwardItems, messageExternalId, pushNewLeadNotice } from './customer-flow.js';
import { recipientOf } from './recipients.js';
import { messageBody } from './notify.js';
import { resolveLocale, t, type Locale } from '../i18n/index.js';
import type { ClientGroup, Identity } from '../../prisma/generated/client.js';
import type { Channel } from '../../prisma/generated/enums.js';

/** Button data: grp:co:<group>:<company> | grp:new:<group> | grp:no:<group> */
export const GROUP_BUTTON = /^grp:(co|new|no):(\d+)(?::(\d+))?$/;

function groupLocale(turn: Turn, speaker: Speaker): Locale {
  return speaker.kind === 'member' ? speaker.actor.locale : resolveLocale(turn.message.languageCode, turn.workspace.locale);
}

async function groupOf(turn: Turn): Promise<ClientGroup | null> {
  const { ctx, workspace: ws, message: m } = turn;
  return ctx.db.clientGroup.findUnique({
    where: { workspaceId_channel_chatId: { workspaceId: ws.id, channel: m.channel as Channel, chatId: m.externalChatId } },
  });
}

/** The bot was added to a group (or made its admin), or removed from it. */
export async function handleGroupEvent(turn: Turn, speaker: Speaker): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const info = m.groupChat!;
  const actor = { workspaceId: ws.id, userId: speaker.kind === 'member' ? speaker.user.id : null };
  const before = await groupOf(turn);
  const locale = groupLocale(turn, speaker);
  if (m.chatEvent === 'group_removed') {
    if (!before) return [];
    const after = await ctx.db.clientGroup.update({ where: { id: before.id }, data: { status: 'left', waitingSince: null, replyDueAt: null } });
    await recordChange(
      ctx.db,
      actor,
      { type: 'group.left', data: { groupId: before.id } },
      { action: 'client_group.leave', entity: 'client_group', entityId: before.id, before, after },
    );
    return [];
  }
  const admin = Boolean(info.botIsAdmin);
  const title = info.title || before?.title || m.externalChatId;
  // back in a group already bound to a company, or made its admin: no new question
  if (before?.companyId && (before.status === 'active' || before.status === 'left')) {
    const after = await ctx.db.clientGroup.update({ where: { id: before.id }, data: { status: 'active', botIsAdmin: admin, title } });
    await recordChange(
      ctx.db,
      actor,
      { type: 'group.added', data: { groupId: before.id, admin } },
      { action: 'client_group.update', entity: 'client_group', entityId: before.id, before, after },
    );
    if (before.status === 'active' && before.botIsAdmin === admin) return [];
    return [reply(t(locale, admin ? 'business.group.privacy_admin' : 'business.group.privacy_member'))];
  }
  const group = before
    ? await ctx.db.clientGroup.update({ where: { id: before.id }, data: { status: 'pending', botIsAdmin: admin, title } })
    : await ctx.db.clientGroup.create({ data: { workspaceId: ws.id, channel: m.channel as Channel, chatId: m.externalChatId, title, botIsAdmin: admin } });
  await recordChange(
    ctx.db,
    actor,
    { type: 'group.added', data: { groupId: group.id, admin } },
    { action: before ? 'client_group.update' : 'client_group.create', entity: 'client_group', entityId: group.id, before, after: group },
  );
  const text = [
    t(locale, 'business.group.intro'),
    t(locale, admin ? 'business.group.privacy_admin' : 'business.group.privacy_member'),
    t(locale, 'business.group.which_company', { title }),
  ].join('\n\n');
  return [reply(text, await companyButtons(turn, locale, group))];
}

/** The companies the group's title names (up to three), a new company by that title, and "not a client group". */
async function companyButtons(turn: Turn, locale: Locale, group: ClientGroup): Promise<Button[][]> {
  const words = companyKey(group.title)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
  const found = words.length
    ? await turn.ctx.db.company.findMany({
        where: { workspaceId: group.workspaceId, OR: words.map((w) => ({ nameKey: { contains: w } })) },
        orderBy: { id: 'asc' },
        take: 3,
      })
    : [];
  const rows: Button[][] = found.map((c) => [{ label: c.name.slice(0, 60), data: `grp:co:${group.id}:${c.id}` }]);
  if (!found.some((c) => c.nameKey === companyKey(group.title)))
    rows.push([{ label: t(locale, 'business.group.button_new', { title: group.title.slice(0, 40) }), data: `grp:new:${group.id}` }]);
  rows.push([{ label: t(locale, 'business.group.button_not_client'), data: `grp:no:${group.id}` }]);
  return rows;
}

/** A team member answered the company question. */
export async function handleGroupButton(turn: Turn, speaker: Speaker): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const parsed = GROUP_BUTTON.exec(m.callbackData ?? '');
  if (!parsed) return [];
  if (speaker.kind !== 'member') {
    turn.deps.logger?.info({ dedupeKey: m.dedupeKey }, 'a group button pressed by someone who is not a team member: ignored');
    return [];
  }
  const actor = speaker.actor;
  const before = await ctx.db.clientGroup.findFirst({ where: { id: Number(parsed[2]), workspaceId: ws.id } });
  if (!before) return [];
  // the team member who added the bot chooses, or a head of sales or an admin
  if (!seesWholeTeam(actor)) {
    const added = await ctx.db.activity.findFirst({
      where: { workspaceId: ws.id, type: 'group.added', data: { path: ['groupId'], equals: before.id } },
      orderBy: { id: 'desc' },
      select: { actorUserId: true },
    });
    if (added?.actorUserId !== actor.userId) return [reply(t(actor.locale, 'business.group.bind_forbidden'))];
  }
  if (parsed[1] === 'no') {
    const after = await ctx.db.clientGroup.update({ where: { id: before.id }, data: { status: 'ignored', companyId: null } });
    await recordChange(
      ctx.db,
      actor,
      { type: 'group.ignored', data: { groupId: before.id } },
      { action: 'client_group.ignore', entity: 'client_group', entityId: before.id, before, after },
    );
    return [reply(t(actor.locale, 'business.group.ignored'))];
  }
  const company =
    parsed[1] === 'co'
      ? await ctx.db.company.findFirst({ where: { id: Number(parsed[3]), workspaceId: ws.id } })
      : (await findOrCreateCompany(ctx, actor, { name: before.title })).company;
  if (!company) return [];
  const after = await ctx.db.clientGroup.update({ where: { id: before.id }, data: { status: 'active', companyId: company.id } });
  await recordChange(
    ctx.db,
    actor,
    { type: 'group.bound', data: { groupId: before.id, companyId: company.id } },
    { action: 'client_group.bind', entity: 'client_group', entityId: before.id, before, after },
  );
  return [reply(t(actor.locale, 'business.group.bound', { company: company.name }))];
}

/** The group, when it is bound to a company and the bot is in it. */
async function activeGroup(turn: Turn): Promise<(ClientGroup & { companyId: number }) | null> {
  const group = await groupOf(turn);
  if (!group || group.status !== 'active' || !group.companyId) {
    turn.deps.logger?.info(
      { dedupeKey: turn.message.dedupeKey, status: group?.status ?? 'unknown' },
      'a message in a group that is no bound client group: ignored',
    );
    return null;
  }
  return group as ClientGroup & { companyId: number };
}

/** A client wrote in the group: their contact, the company's deal or lead, the clock. */
export async function handleGroupCustomer(turn: Turn, _identity: Identity | null): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const db = ctx.db;
  const group = await activeGroup(turn);
  if (!group) return [];
  // one group's messages one at a time: two first messages open one lead
  await turn.deps.intake.lockCustomer(db, { workspaceId: ws.id, customerKey: `${m.channel}:group:${m.externalChatId}` });
  const system = systemActor(ws);
  const company = await db.company.findUniqueOrThrow({ where: { id: group.companyId } });
  const channel = m.channel as Channel;
  const { contact } = await findOrCreateContact(ctx, system, {
    // their private chat is not known from a group: the identity gets no chat to send to
    identity: { channel, externalId: m.externalUserId, displayName: m.displayName ?? null, username: m.username ?? null, languageCode: m.languageCode ?? null },
    company: company.name,
    fillEmpty: true,
  });
  let conversation = await db.conversation.findFirst({ where: { workspaceId: ws.id, groupId: group.id, status: 'open' }, orderBy: { lastMessageAt: 'desc' } });
  conversation ??= await db.conversation.create({ data: { workspaceId: ws.id, contactId: contact.id, channel, groupId: group.id, subject: group.title } });
  const inserted = await db.message.createManyAndReturn({
    data: [
      {
        workspaceId: ws.id,
        conversationId: conversation.id,
        direction: 'inbound',
        channel,
        externalId: messageExternalId(channel, m.externalChatId, m.messageExternalId),
        text: m.text,
        attachments: m.attachments,
        meta: { groupId: group.id, contactId: contact.id, ...(m.editOf ? { editOf: m.editOf } : {}) },
        createdAt: new Date(m.receivedAt),
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  if (inserted.length === 0) return [];
  await db.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: turn.now } });

  const deal = await db.deal.findFirst({ where: { workspaceId: ws.id, companyId: company.id, status: 'open' }, orderBy: { lastActivityAt: 'desc' } });
  const lead = deal
    ? null
    : await db.lead.findFirst({
        where: { workspaceId: ws.id, status: { in: [...OPEN_LEAD_STATUSES] }, contact: { companyId: company.id } },
        orderBy: { createdAt: 'desc' },
      });
  await recordActivity(db, system, {
    type: m.editOf ? 'message.edited' : 'group.message',
    contactId: contact.id,
    leadId: lead?.id ?? null,
    dealId: deal?.id ?? null,
    data: { groupId: group.id, conversationId: conversation.id, messageId: inserted[0]!.id, ...(m.editOf ? { editOf: m.editOf, text: m.text } : {}) },
  });
  if (m.editOf) return [];
  if (deal) await db.deal.update({ where: { id: deal.id }, data: { lastActivityAt: turn.now } });
  // the first-response clock: from the first client message nobody in the team has answered yet
  if (!group.waitingSince) {
    const due = firstResponseDueAt(ws, turn.now);
    await db.clientGroup.update({ where: { id: group.id }, data: { waitingSince: new Date(m.receivedAt), replyDueAt: due } });
    await ctx.scheduler?.scheduleGroupCheck?.(group.id, due);
  }

  if (!deal && !lead) {
    const created = await captureLead(ctx, system, {
      contactId: contact.id,
      source: channel,
      text: m.text || messageBody('en', '', m.attachments),
      conversationId: conversation.id,
      assigneeId: null,
    });
    if (created.assigneeId)
      await pushNewLeadNotice(
        turn,
        { id: created.id, assigneeId: created.assigneeId, firstResponseDueAt: created.firstResponseDueAt },
        contact.name,
        conversation.id,
      );
    return [];
  }
  const ownerId = deal ? deal.ownerId : lead!.assigneeId;
  if (!ownerId) return [];
  const to = await recipientOf(turn, ownerId);
  if (!to?.identityId) return [];
  for (const item of forwardItems(
    turn.deps.files,
    { ...to, identityId: to.identityId },
    m,
    `${contact.name} · ${group.title}`,
    conversation.id,
    lead?.id,
    deal?.id,
  ))
    push(turn, item);
  return [];
}

/** A team member wrote in the group: the team's response (outgoing message, the clock stopped). */
export async function handleGroupMember(turn: Turn, speaker: Speaker & { kind: 'member' }): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const group = await activeGroup(turn);
  if (!group) return [];
  const conversation = await ctx.db.conversation.findFirst({
    where: { workspaceId: ws.id, groupId: group.id, status: 'open' },
    orderBy: { lastMessageAt: 'desc' },
  });
  // nothing from the client yet: team talk in the group is no answer to anyone
  if (!conversation) return [];
  const messageId = await storeMemberMessage(turn, conversation, speaker.user.id, { groupId: group.id, via: 'group' });
  if (messageId === null || m.editOf) return [];
  await ctx.db.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: turn.now } });
  await groupAnswered(turn, group, new Date(m.receivedAt), speaker.user.id);
  return [];
}

/**
 * The team answered in the group (a member typing there, or an answer relayed through
 * Leadline): the group's clock stops, with the response time on the timeline, and the
 * company's open lead gets its first response.
 */
export async function groupAnswered(turn: Turn, group: Pick<ClientGroup, 'id' | 'companyId' | 'workspaceId'>, at: Date, userId: number): Promise<void> {
  const db = turn.ctx.db;
  // one conditional update: two answers at once stop the clock once
  const waiting = await db.clientGroup.findUnique({ where: { id: group.id }, select: { waitingSince: true, replyDueAt: true } });
  const stopped = await db.clientGroup.updateMany({
    where: { id: group.id, waitingSince: { not: null } },
    data: { waitingSince: null, replyDueAt: null, lastResponseAt: at },
  });
  if (!group.companyId) return;
  const lead = await db.lead.findFirst({
    where: { workspaceId: group.workspaceId, status: { in: [...OPEN_LEAD_STATUSES] }, firstResponseAt: null, contact: { companyId: group.companyId } },
    orderBy: { createdAt: 'desc' },
  });
  if (lead) await markFirstResponse(turn.ctx, lead.id, at);
  if (stopped.count === 1 && waiting?.waitingSince) {
    const deal = await db.deal.findFirst({
      where: { workspaceId: group.workspaceId, companyId: group.companyId, status: 'open' },
      orderBy: { lastActivityAt: 'desc' },
    });
    await recordActivity(
      db,
      { workspaceId: group.workspaceId, userId },
      {
        type: 'group.response',
        leadId: lead?.id ?? null,
        dealId: deal?.id ?? null,
        data: {
          groupId: group.id,
          at: at.toISOString(),
          minutes: Math.round((at.getTime() - waiting.waitingSince.getTime()) / 60_000),
          onTime: waiting.replyDueAt ? at.getTime() <= waiting.replyDueAt.getTime() : null,
        },
      },
    );
  }
}
