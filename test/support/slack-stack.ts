// A whole Slack stack for end-to-end tests, on the production pipeline of chat-stack.ts: the
// Bolt transport (HTTP receiver, signature-checked) served on a local port, its listeners
// submitting to the real inbound queue, the outbound worker's SlackSender and App Home
// publisher talking to the fake Slack Web API (fake-slack.ts), which records every call.
// Requests are signed with the stack's signing secret as Slack signs them.
//
//   const stack = await slackStack({ slug: 'slack' });
//   stack.slack.fake.addUser(...);
//   await stack.slack.postEvent({ type: 'message', ... });
//   const dm = stack.slack.channel('DMGR1'); await dm.next('the notification');
import type { WebViewLinks } from '../../core/miniapp/web-token.js';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSlack, type FakeSlackCall } from './fake-slack.js';
import { chatBase, type ChatBase, type ChatStack } from './chat-stack.js';
import { waitFor } from './wait.js';
import { homeLoader } from '../../core/chat/member-home.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { createSlackTransport, type SlackTransport } from '../../bots/slack/slack-app.js';
import type { Senders } from '../../bots/chat-runtime.js';

export const SLACK_TEST_SECRET = 'test-signing-secret';

/** The chat.postMessage calls to one channel (optionally one thread), read in order. */
export interface SlackChannelReader {
  /** the next post to this channel (matching `match`, when given), in order; fails naming `what` after 10 s */
  next(what: string, match?: (c: FakeSlackCall) => boolean): Promise<FakeSlackCall>;
  /** every post to this channel so far, oldest first */
  received(): FakeSlackCall[];
}

export interface SlackEdge {
  fake: FakeSlack;
  transport: SlackTransport;
  /** the receiver's base URL (POST {url}/slack/events) */
  url: string;
  /** tags this stack's event and trigger ids (InboundEvent keys are global: count your own) */
  run: string;
  sign(body: string, timestamp: number, secret?: string): string;
  /** a request to /slack/events, signed unless told otherwise */
  post(body: string, contentType: string, opts?: { timestamp?: number; secret?: string; headers?: Record<string, string> }): Promise<Response>;
  eventBody(event: Record<string, unknown>, eventId?: string): string;
  postEvent(event: Record<string, unknown>, eventId?: string, headers?: Record<string, string>): Promise<Response>;
  postForm(fields: Record<string, string>): Promise<Response>;
  /** a block_actions / shortcut payload, form-encoded as Slack sends it */
  postInteraction(payload: Record<string, unknown>): Promise<Response>;
  /** a button press by `user` on the message `messageTs` in channel `channel` (a DM) */
  click(user: string, value: string, at: { channel: string; messageTs: string }): Promise<Response>;
  /** `/crm link CODE` from Slack user `user`; resolves with their DM channel once the identity is linked to `userId` */
  link(user: string, inviteCode: string, userId: number): Promise<string>;
  /** a message ts after the previous one (Slack's "seconds.micros") */
  nextTs(): string;
  channel(id: string, threadTs?: string): SlackChannelReader;
}

/** Starts the fake Slack Web API and the Slack transport's receiver for `base`; stopped by `base.close()`. */
export async function slackEdge(base: ChatBase, opts: { run?: string; tsBase?: number; webLink?: boolean } = {}): Promise<SlackEdge> {
  const { db, ws } = base;
  const run = opts.run ?? randomUUID().slice(0, 8);
  const fake = await new FakeSlack().start();
  base.onClose(() => fake.close());
  const transport = createSlackTransport({
    botToken: fake.token,
    signingSecret: SLACK_TEST_SECRET,
    apiUrl: fake.apiUrl,
    home: homeLoader(dbContext(db), ws.id, 'slack', { webLink: opts.webLink }),
    workspaceId: ws.id,
    submit: (m) => base.inbound.enqueue(m),
    logger: base.logger,
  });
  const server = createServer(transport.requestListener!);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base.onClose(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (body: string, timestamp: number, secret = SLACK_TEST_SECRET) =>
    'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  const post: SlackEdge['post'] = (body, contentType, o = {}) => {
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sign(body, timestamp, o.secret),
        ...o.headers,
      },
      body,
    });
  };
  const eventBody = (event: Record<string, unknown>, eventId = `Ev${run}${randomUUID().slice(0, 6)}`) =>
    JSON.stringify({
      token: 'x',
      team_id: fake.teamId,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
  const postForm = (fields: Record<string, string>) => post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  const postInteraction = (payload: Record<string, unknown>) => postForm({ payload: JSON.stringify(payload) });
  let tsSeq = 0;
  const tsBase = opts.tsBase ?? 1_800_000_000;

  return {
    fake,
    transport,
    url,
    run,
    sign,
    post,
    eventBody,
    postEvent: (event, eventId, headers) => post(eventBody(event, eventId), 'application/json', { headers }),
    postForm,
    postInteraction,
    click: (user, value, at) =>
      postInteraction({
        type: 'block_actions',
        trigger_id: `trig-${run}-${randomUUID()}`,
        team: { id: fake.teamId },
        user: { id: user, team_id: fake.teamId },
        channel: { id: at.channel },
        container: { type: 'message', message_ts: at.messageTs, channel_id: at.channel },
        message: { ts: at.messageTs, text: 'x' },
        response_url: fake.responseUrl(),
        actions: [{ type: 'button', action_id: value, value, block_id: 'b1', action_ts: `${Date.now() / 1000}` }],
      }),
    async link(user, inviteCode, userId) {
      const res = await postForm({
        command: '/crm',
        text: `link ${inviteCode}`,
        user_id: user,
        user_name: user.toLowerCase(),
        team_id: fake.teamId,
        channel_id: 'CGENERAL',
        channel_name: 'general',
        trigger_id: `trig-${run}-${randomUUID()}`,
        response_url: fake.responseUrl(),
        api_app_id: 'A1',
      });
      if (res.status !== 200) throw new Error(`/crm link answered ${res.status}`);
      const identity = await waitFor(
        () => db.identity.findFirst({ where: { workspaceId: ws.id, channel: 'slack', externalId: `${fake.teamId}:${user}`, userId } }),
        `the Slack identity of ${user} to be linked`,
      );
      return identity.chatId!;
    },
    nextTs() {
      tsSeq += 1;
      return `${tsBase + tsSeq}.${String(tsSeq).padStart(6, '0')}`;
    },
    channel(id, threadTs) {
      const posts = () =>
        fake.callsTo('chat.postMessage').filter((c) => c.params.channel === id && (threadTs === undefined || c.params.thread_ts === threadTs));
      const seen = new Set<FakeSlackCall>();
      return {
        async next(what, match = () => true) {
          const inThis = (c: FakeSlackCall) => c.params.channel === id && (threadTs === undefined || c.params.thread_ts === threadTs);
          let found: FakeSlackCall;
          try {
            found = await fake.waitForCall('chat.postMessage', (c) => inThis(c) && !seen.has(c) && match(c));
          } catch (e) {
            throw new Error(`no Slack post to ${id} in time: ${what}`, { cause: e });
          }
          seen.add(found);
          return found;
        },
        received: posts,
      };
    },
  };
}

export interface SlackStack extends ChatStack {
  slack: SlackEdge;
}

/** A workspace whose only transport is Slack over HTTP against the fake Web API, with App Home refreshed after each member message as in production. */
export async function slackStack(
  opts: {
    slug?: string;
    locale?: 'en' | 'ru';
    timezone?: string;
    chatConcurrency?: number;
    run?: string;
    tsBase?: number;
    senders?: (base: ChatBase) => Senders;
    /** web-view links (the App Home's "open in a browser" button) */
    webView?: WebViewLinks;
  } = {},
): Promise<SlackStack> {
  const base = await chatBase({ slug: opts.slug ?? 'slack', locale: opts.locale, timezone: opts.timezone, queuePrefix: 't-slack' });
  try {
    const slack = await slackEdge(base, { run: opts.run, tsBase: opts.tsBase, webLink: Boolean(opts.webView) });
    const stack = await base.run({
      senders: { slack: slack.transport.sender, ...opts.senders?.(base) },
      chatConcurrency: opts.chatConcurrency,
      onHandled: (m) => void slack.transport.refreshAfter(m),
      webView: opts.webView,
    });
    return { ...stack, slack };
  } catch (e) {
    await base.close().catch(() => {});
    throw e;
  }
}
