// Slack events, slash commands, button clicks and the message shortcut -> InboundMessage,
// submitted to the inbound queue before Slack gets its 200 (the receiver runs with
// processBeforeResponse, so a failed enqueue answers 500 and Slack retries). No business
// logic and no database here: the edge only translates, so it keeps accepting events while
// Postgres is away, and the engine decides what a message means (core/chat/addressing.ts).
//
// What the engine is told:
// - DMs with the app (channel_type "im"): a plain message (members get the assistant,
//   anyone else is a customer). What a message event becomes is slack-message.ts.
// - Channels (shared / Slack Connect): isGroup; the conversation's chatId is
//   "<channel>:<thread ts>", so a customer's answers land in their thread; a team member's
//   own chatter there is dropped by the engine.
// - app_mention: origin "mention", answered in the writer's DM (a customer's mention is
//   also a message event, so the engine drops the mention copy).
// - /crm: origin "command" (a stranger's /crm gets "not linked" from the engine).
// - the message shortcut: the customer's message with origin "shortcut" and requestedBy.
import type { App } from '@slack/bolt';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { t, resolveLocale } from '../../core/i18n/index.js';
import type { Logger } from '../../connectors/logger.js';
import type { SlackDirectory } from './slack-directory.js';
import { messageRef, slackUserKey } from './slack-ids.js';
import { crmCommandText, fromSlackText, stripBotMention } from './slack-text.js';
import { filesToAttachments, labelMentions, translateMessageEvent, tsToIso, type SlackMessageEvent } from './slack-message.js';

export interface SlackListenerDeps {
  /** the workspace this Slack app feeds */
  workspaceId: number;
  /** durable hand-off (the inbound queue); must resolve only once the message is stored */
  submit(message: InboundMessageInput): Promise<void>;
  directory: SlackDirectory;
  logger: Logger;
  /** publishes the App Home tab of a Slack user (TEAM:USER) */
  publishHome?(externalUserId: string): Promise<void>;
}

export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  const { workspaceId, directory, logger } = deps;

  app.event('message', async ({ event, body, context }) => {
    const e = event as unknown as SlackMessageEvent;
    const result = await translateMessageEvent(e, { eventId: body.event_id, teamId: body.team_id, botUserId: context.botUserId, workspaceId }, directory);
    if ('ignored' in result) {
      logger.debug({ eventId: body.event_id, why: result.ignored }, 'slack message event not for Leadline');
      return;
    }
    await deps.submit(result.message);
  });

  app.event('app_mention', async ({ event, body, context }) => {
    const e = event as unknown as SlackMessageEvent;
    if (e.bot_id || !e.user || e.user === context.botUserId) return;
    const externalUserId = slackUserKey(e.user_team ?? e.team ?? body.team_id, e.user);
    const profile = await directory.profile(e.user);
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId,
      // answers go to the member's DM: lists and customer data never land in a shared channel
      externalChatId: await directory.dmChannel(e.user),
      text: fromSlackText(await labelMentions(stripBotMention(e.text ?? '', context.botUserId), directory)),
      attachments: await filesToAttachments(e.files, directory),
      dedupeKey: `slack:${body.event_id}`,
      receivedAt: tsToIso(e.ts),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      messageExternalId: messageRef(e.channel, e.ts, e.thread_ts),
      isGroup: false,
      origin: 'mention',
    });
  });

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home' || !deps.publishHome) return;
    await deps.publishHome(slackUserKey(body.team_id, event.user));
  });

  app.command('/crm', async ({ command, ack }) => {
    const externalUserId = slackUserKey(command.team_id, command.user_id);
    const profile = await directory.profile(command.user_id);
    const text = crmCommandText(command.text);
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
      origin: 'command',
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
    const author = m.user ? await directory.profile(m.user) : null;
    // what Slack itself tells is checked here; whether the clicker is a team member and the
    // author is not is the engine's to check (it tells the clicker in their DM when not)
    if (!m.user || m.bot_id || author?.isBot) {
      await respond({ response_type: 'ephemeral', text: t(locale, 'slack.shortcut.not_customer') });
      return;
    }
    const threadRoot = m.thread_ts ?? m.ts;
    await deps.submit({
      workspaceId,
      channel: 'slack',
      externalUserId: slackUserKey(authorTeam, m.user),
      externalChatId: channelId.startsWith('D') ? channelId : `${channelId}:${threadRoot}`,
      text: fromSlackText(await labelMentions(m.text ?? '', directory)),
      attachments: await filesToAttachments(m.files, directory),
      // one event per message and member who asked (a second click is a redelivery); the
      // message itself is stored once whoever asks (its platform id is unique), so no second lead
      dedupeKey: `slack:shortcut:${channelId}:${m.ts}:${clickerKey}`,
      receivedAt: tsToIso(m.ts),
      displayName: author?.displayName,
      username: author?.username,
      languageCode: author?.languageCode,
      messageExternalId: messageRef(channelId, m.ts, m.thread_ts),
      isGroup: !channelId.startsWith('D'),
      origin: 'shortcut',
      requestedBy: clickerKey,
    });
    await respond({ response_type: 'ephemeral', text: t(locale, 'slack.shortcut.queued', { name: author?.displayName ?? m.user }) });
    logger.info({ channel: channelId, ts: m.ts }, 'slack shortcut: lead from message submitted');
  });
}
