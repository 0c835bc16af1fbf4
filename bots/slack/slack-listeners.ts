// Slack events, slash commands, button clicks and the message shortcut -> InboundMessage,
// submitted to the inbound queue before Slack gets its 200 (the receiver runs with
// processBeforeResponse, so a failed enqueue answers 500 and Slack retries). No business
// logic here: the engine decides what a message means.
//
// Who is who:
// - DMs with the app (channel_type "im"): whoever writes goes to the engine (members get
//   the assistant, anyone else is a customer).
// - Channels (shared / Slack Connect): a member's own chatter is ignored; they address the
//   app with a mention (app_mention, answered in their DM). Anyone else is a customer: the
//   conversation's chatId is "<channel>:<thread ts>", so answers land in their thread.
import type { App } from '@slack/bolt';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { t, resolveLocale } from '../../core/i18n/index.js';
import type { Db } from '../../core/db.js';
import type { Logger } from '../../connectors/logger.js';
import { linkedMember, type SlackDirectory } from './slack-directory.js';
import { messageRef, slackUserKey } from './slack-ids.js';
import { crmCommandText, fromSlackText, stripBotMention } from './slack-text.js';

export interface SlackListenerDeps {
  db: Db;
  /** the workspace this Slack app feeds */
  workspaceId: number;
  /** durable hand-off (the inbound queue); must resolve only once the message is stored */
  submit(message: InboundMessageInput): Promise<void>;
  directory: SlackDirectory;
  logger: Logger;
  /** publishes the App Home tab of a Slack user (TEAM:USER) */
  publishHome?(externalUserId: string): Promise<void>;
  /** Slack-only commands handled by the transport (e.g. "/crm digest channel #sales"); true when handled */
  slackCommand?(input: { externalUserId: string; args: string[]; locale: string | undefined }): Promise<string | null>;
}

/** The message fields Leadline reads (Slack's union of message subtypes, loosely). */
interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  team?: string;
  user_team?: string;
  files?: Array<{ id?: string; name?: string; size?: number; mimetype?: string; filetype?: string }>;
}

/** Subtypes that are a person writing; everything else (edits, joins, bot posts) is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

function tsToIso(ts: string | undefined): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
}

function attachmentsOf(e: SlackMessageEvent): InboundMessageInput['attachments'] {
  return (e.files ?? []).map((f) => ({
    kind: f.mimetype?.startsWith('image/') ? 'photo' : f.mimetype?.startsWith('audio/') ? 'voice' : f.mimetype?.startsWith('video/') ? 'video' : 'document',
    fileId: f.id,
    name: f.name,
    size: typeof f.size === 'number' ? f.size : undefined,
    mime: f.mimetype,
  }));
}

export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  const { db, workspaceId, directory, logger } = deps;

  app.event('message', async ({ event, body, context }) => {
    const e = event as unknown as SlackMessageEvent;
    if (!PERSON_SUBTYPES.has(e.subtype) || e.bot_id || !e.user || e.user === context.botUserId) return;
    const teamId = e.user_team ?? e.team ?? body.team_id;
    const externalUserId = slackUserKey(teamId, e.user);
    const isDm = e.channel_type === 'im';
    if (!isDm && (await linkedMember(db, workspaceId, externalUserId))) return; // team chatter
    const profile = await directory.profile(e.user);
    if (profile?.isBot) return;
    const threadRoot = e.thread_ts ?? e.ts;
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId,
      // customers in channels are answered in their thread; DMs need no thread
      externalChatId: isDm ? e.channel : `${e.channel}:${threadRoot}`,
      text: fromSlackText(e.text),
      attachments: attachmentsOf(e),
      replyToExternalId: e.thread_ts && e.thread_ts !== e.ts ? messageRef(e.channel, e.thread_ts) : undefined,
      dedupeKey: `slack:${body.event_id}`,
      receivedAt: tsToIso(e.ts),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      messageExternalId: messageRef(e.channel, e.ts, e.thread_ts),
      isGroup: !isDm,
    });
  });

  app.event('app_mention', async ({ event, body, context }) => {
    const e = event as unknown as SlackMessageEvent;
    if (e.bot_id || !e.user || e.user === context.botUserId) return;
    const externalUserId = slackUserKey(e.user_team ?? e.team ?? body.team_id, e.user);
    // a customer's mention is already a message event; only members talk to the app here
    if (!(await linkedMember(db, workspaceId, externalUserId))) return;
    const profile = await directory.profile(e.user);
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId,
      // answers go to the member's DM: lists and customer data never land in a shared channel
      externalChatId: await directory.dmChannel(e.user),
      text: fromSlackText(stripBotMention(e.text ?? '', context.botUserId)),
      attachments: attachmentsOf(e),
      dedupeKey: `slack:${body.event_id}`,
      receivedAt: tsToIso(e.ts),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      messageExternalId: messageRef(e.channel, e.ts, e.thread_ts),
      isGroup: false,
    });
  });

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home' || !deps.publishHome) return;
    await deps.publishHome(slackUserKey(body.team_id, event.user));
  });

  app.command('/crm', async ({ command, ack }) => {
    const externalUserId = slackUserKey(command.team_id, command.user_id);
    const profile = await directory.profile(command.user_id);
    const [first = '', ...rest] = command.text.trim().split(/\s+/);
    if (deps.slackCommand && first) {
      const answer = await deps.slackCommand({ externalUserId, args: [first.toLowerCase(), ...rest], locale: profile?.languageCode });
      if (answer !== null) {
        await ack({ response_type: 'ephemeral', text: answer });
        return;
      }
    }
    const text = crmCommandText(command.text);
    // /crm is for the team: a stranger's "/crm leads" must not become a customer message
    if (!/^\/start\s/.test(text) && !(await linkedMember(db, workspaceId, externalUserId))) {
      await ack({ response_type: 'ephemeral', text: t(resolveLocale(profile?.languageCode), 'slack.not_linked') });
      return;
    }
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId,
      externalChatId: await directory.dmChannel(command.user_id),
      text,
      dedupeKey: `slack:cmd:${command.trigger_id}`,
      receivedAt: new Date().toISOString(),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      messageExternalId: `cmd:${command.trigger_id}`,
      isGroup: false,
    });
    // empty ack: the answer arrives in the DM with the app
    await ack();
  });

  app.action({ type: 'block_actions' }, async ({ body, action, ack }) => {
    const a = action as { value?: string; action_id: string; action_ts?: string };
    const data = a.value ?? a.action_id;
    const user = body.user;
    const externalUserId = slackUserKey(user.team_id ?? body.team?.id ?? '', user.id);
    const profile = await directory.profile(user.id);
    const channelId = body.channel?.id;
    const messageTs = body.message?.ts;
    // a click in App Home has no channel: answers go to the DM
    const externalChatId = channelId && channelId.startsWith('D') ? channelId : await directory.dmChannel(user.id);
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId,
      externalChatId,
      text: '',
      callbackData: data,
      dedupeKey: `slack:action:${body.trigger_id ?? `${user.id}:${a.action_ts ?? Date.now()}`}`,
      receivedAt: tsToIso(a.action_ts),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      messageExternalId: channelId && messageTs ? messageRef(channelId, messageTs) : `home:${user.id}:${a.action_ts ?? Date.now()}`,
      isGroup: false,
    });
    await ack();
  });

  app.shortcut('create_lead_from_message', async ({ shortcut, ack, respond }) => {
    if (shortcut.type !== 'message_action') {
      await ack();
      return;
    }
    const clicker = await directory.profile(shortcut.user.id);
    const locale = resolveLocale(clicker?.languageCode);
    const m = shortcut.message as unknown as SlackMessageEvent;
    const channelId = shortcut.channel.id;
    const authorTeam = m.user_team ?? m.team ?? shortcut.team?.id ?? '';
    const clickerKey = slackUserKey(shortcut.user.team_id ?? shortcut.team?.id ?? '', shortcut.user.id);
    await ack();
    if (!(await linkedMember(db, workspaceId, clickerKey))) {
      await respond({ response_type: 'ephemeral', text: t(locale, 'slack.shortcut.not_member') });
      return;
    }
    const author = m.user ? await directory.profile(m.user) : null;
    if (!m.user || m.bot_id || author?.isBot || (await linkedMember(db, workspaceId, slackUserKey(authorTeam, m.user)))) {
      await respond({ response_type: 'ephemeral', text: t(locale, 'slack.shortcut.not_customer') });
      return;
    }
    const threadRoot = m.thread_ts ?? m.ts;
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId: slackUserKey(authorTeam, m.user),
      externalChatId: channelId.startsWith('D') ? channelId : `${channelId}:${threadRoot}`,
      text: fromSlackText(m.text),
      attachments: attachmentsOf(m),
      // the same key as the message's own text would have, so a lead is not made twice
      dedupeKey: `slack:shortcut:${channelId}:${m.ts}`,
      receivedAt: tsToIso(m.ts),
      displayName: author?.displayName,
      username: author?.username,
      languageCode: author?.languageCode,
      messageExternalId: messageRef(channelId, m.ts, m.thread_ts),
      isGroup: !channelId.startsWith('D'),
    });
    await respond({ response_type: 'ephemeral', text: t(locale, 'slack.shortcut.queued', { name: author?.displayName ?? m.user }) });
    logger.info({ channel: channelId, ts: m.ts }, 'slack shortcut: lead from message submitted');
  });
}
