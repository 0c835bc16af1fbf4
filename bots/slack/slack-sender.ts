// The Slack ChannelSender: chat.postMessage with Block Kit (threaded when the message
// answers a thread), file uploads for images (files.uploadV2 = getUploadURLExternal +
// upload + completeUploadExternal). Slack's errors become the port's errors: 429 ->
// RateLimitedError (the outbound queue waits Retry-After), a recipient that can never be
// reached -> PermanentSendError (the identity is marked unreachable), anything else is
// thrown as is and retried by the queue.
import { webApi } from '@slack/bolt';
import type { ChannelSender, OutboundMessage, SendResult } from '../../core/ports.js';
import { PermanentSendError, RateLimitedError } from '../../core/ports.js';
import { messageRef, parseMessageRef, splitChatId } from './slack-ids.js';
import { escapeMrkdwn, renderMessages } from './slack-render.js';

/** Slack error codes that will not change by retrying the same recipient. */
export const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'account_inactive',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'messages_tab_disabled',
  'restricted_action',
  'team_access_not_granted',
]);

export interface SlackClientOptions {
  /** Web API base URL ending in "/" (SLACK_API_URL); tests point it at a fake */
  apiUrl?: string;
  timeoutMs?: number;
}

/**
 * A WebClient that never retries or sleeps on its own: the outbound queue owns retries and
 * rate limits, so a 429 surfaces at once with its Retry-After.
 */
export type WebClient = webApi.WebClient;

export function createSlackClient(token: string, options: SlackClientOptions = {}): WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });
}

/** Maps a Web API failure onto the port's error classes; returns the error unchanged otherwise. */
export function translateSlackError(e: unknown, chatId: string): unknown {
  const err = e as Partial<webApi.WebAPICallError> & { retryAfter?: number; data?: { error?: string } };
  if (err?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = Number(err.retryAfter);
    return new RateLimitedError(
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
      `Slack rate limited ${chatId}: retry after ${err.retryAfter} s`,
    );
  }
  if (err?.code === webApi.ErrorCode.PlatformError) {
    const reason = err.data?.error ?? 'unknown_error';
    if (PERMANENT_SLACK_ERRORS.has(reason)) return new PermanentSendError(`Slack channel ${chatId}: ${reason}`, reason);
  }
  return e;
}

export class SlackSender implements ChannelSender {
  constructor(private readonly client: WebClient) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      return await this.sendUnsafe(message);
    } catch (e) {
      throw translateSlackError(e, message.chatId);
    }
  }

  /** Replaces a sent message's text and buttons (chat.update); a long text keeps its first part. */
  async edit(message: OutboundMessage, externalMessageId: string): Promise<SendResult> {
    const ref = parseMessageRef(externalMessageId);
    if (!ref) return this.send(message);
    try {
      const payload = renderMessages(message.text, message.buttons)[0];
      await this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: payload?.text ?? message.text, blocks: payload?.blocks });
      return { externalMessageId };
    } catch (e) {
      throw translateSlackError(e, message.chatId);
    }
  }

  private async sendUnsafe(message: OutboundMessage): Promise<SendResult> {
    const { channel, threadTs: chatThread } = splitChatId(message.chatId);
    const ref = parseMessageRef(message.replyToExternalId);
    // only thread under a message of the same conversation; a foreign ref is ignored
    const threadTs = ref && ref.channel === channel ? ref.threadTs : chatThread;
    let result: SendResult | undefined;
    // files with a short text and no buttons: the text is the upload's comment (one message)
    const comment = message.files?.length && !message.buttons?.length ? message.text.trim() : '';
    if (!comment && (message.text.trim() || message.buttons?.length)) {
      for (const payload of renderMessages(message.text, message.buttons)) {
        const sent = await this.client.chat.postMessage({
          channel,
          text: payload.text,
          blocks: payload.blocks,
          thread_ts: threadTs,
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!sent.ts) throw new Error(`Slack chat.postMessage to ${message.chatId} returned no ts`);
        result ??= { externalMessageId: messageRef(sent.channel ?? channel, sent.ts, threadTs) };
      }
    }
    if (message.image) {
      const common = {
        file: Buffer.from(message.image.png),
        filename: message.image.filename,
        title: message.image.caption ?? message.image.filename,
        initial_comment: message.image.caption && !result ? escapeMrkdwn(message.image.caption) : undefined,
      };
      await this.client.filesUploadV2(threadTs ? { ...common, channel_id: channel, thread_ts: threadTs } : { ...common, channel_id: channel });
      // the file's own message ts is not returned reliably; the text message is the reference
      result ??= { externalMessageId: `${channel}:file:${message.image.filename}:${Date.now()}` };
    }
    if (message.files?.length) {
      // one upload for all (files.getUploadURLExternal per file, then one completeUploadExternal)
      const file_uploads = message.files.map((f) => ({ file: Buffer.from(f.bytes), filename: f.name, title: f.name }));
      const common = { file_uploads, ...(comment ? { initial_comment: escapeMrkdwn(comment) } : {}) };
      const out = await this.client.filesUploadV2(threadTs ? { ...common, channel_id: channel, thread_ts: threadTs } : { ...common, channel_id: channel });
      const uploaded = (out as { files?: Array<{ files?: Array<{ id?: string }> }> }).files?.[0]?.files?.[0]?.id;
      result ??= { externalMessageId: `${channel}:file:${uploaded ?? message.files[0]!.name}` };
    }
    if (!result) throw new Error('nothing to send: empty text and no image');
    return result;
  }
}
