// The Slack transport: a Bolt app whose HTTP receiver is mounted on the app's own HTTP
// server (requestListener for POST /slack/events), or Socket Mode when an app token is set.
// Bolt verifies the v0 signature (HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing
// secret, 5-minute window): a bad signature or a stale timestamp gets 401 before any
// listener runs, so nothing is written. Listeners only enqueue (see slack-listeners.ts);
// the chat worker (bots/chat-runtime.ts) runs the engine and answers with `sender`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { InboundMessage, InboundMessageInput } from '../../core/chat/inbound.js';
import type { HomeLoader } from '../../core/chat/member-home.js';
import type { Clock } from '../../core/ports.js';
import { logger as defaultLogger, type Logger } from '../../connectors/logger.js';
import type { Config } from '../../connectors/config.js';
import { SlackDirectory } from './slack-directory.js';
import { SlackHomePublisher } from './slack-home.js';
import { registerSlackListeners } from './slack-listeners.js';
import { createSlackClient, SlackSender, type WebClient } from './slack-sender.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackTransportOptions {
  botToken: string;
  /** required for HTTP mode */
  signingSecret?: string;
  /** xapp-… token: Socket Mode instead of HTTP */
  appToken?: string;
  /** Web API base (SLACK_API_URL), e.g. a fake in tests */
  apiUrl?: string;
  endpoint?: string;
  /** a member's App Home (core/chat/member-home.ts homeLoader), given by the composition root */
  home: HomeLoader;
  workspaceId: number;
  /** the inbound queue's enqueue: resolves once the message is durable */
  submit(message: InboundMessageInput): Promise<void>;
  clock?: Clock;
  logger?: Logger;
}

export interface SlackTransport {
  app: App;
  /** the Web API client (no automatic retries: the outbound queue owns them) */
  client: WebClient;
  /** ChannelSender for the outbound queue's "slack" channel */
  sender: SlackSender;
  home: SlackHomePublisher;
  endpoint: string;
  mode: 'http' | 'socket';
  /** HTTP mode: handles POST {endpoint}; mount it on the app's HTTP server */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Socket Mode connects here; HTTP mode has nothing to start (the HTTP server serves it) */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Refreshes the App Home of the member who sent a Slack message (no-op for customers); never throws. */
  refreshAfter(message: InboundMessage): Promise<void>;
}

function boltLogger(log: Logger): BoltLogger {
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug({ component: 'slack' }, text(msg)),
    info: (...msg: unknown[]) => log.info({ component: 'slack' }, text(msg)),
    warn: (...msg: unknown[]) => log.warn({ component: 'slack' }, text(msg)),
    error: (...msg: unknown[]) => log.error({ component: 'slack' }, text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackTransport(options: SlackTransportOptions): SlackTransport {
  const log = options.logger ?? defaultLogger;
  const endpoint = options.endpoint ?? SLACK_EVENTS_PATH;
  const client = createSlackClient(options.botToken, { apiUrl: options.apiUrl });
  const clientOptions = { slackApiUrl: options.apiUrl, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1000 } };
  const logger = boltLogger(log);
  let app: App;
  let receiver: HTTPReceiver | undefined;
  if (options.appToken) {
    // tokenVerificationEnabled false: Bolt would otherwise call auth.test from its constructor,
    // and a Slack that is unreachable at start-up (or a revoked token) would be an unhandled
    // rejection; the check now runs with the first event, where failures are handled and logged
    app = new App({ token: options.botToken, appToken: options.appToken, socketMode: true, clientOptions, logger, tokenVerificationEnabled: false });
  } else {
    if (!options.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
    receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: endpoint,
      // answer only after the listener enqueued: a failed enqueue is a 500 and Slack retries
      processBeforeResponse: true,
      logger,
    });
    app = new App({ token: options.botToken, receiver, clientOptions, logger, tokenVerificationEnabled: false });
  }
  app.error(async (error) => {
    log.error({ err: error, code: (error as { code?: string }).code }, 'slack listener failed');
    // rethrown: the HTTP receiver answers 500 and Slack redelivers the event
    throw error;
  });

  // lookups made while Slack waits for its answer: short timeout, no retries
  const lookupClient = createSlackClient(options.botToken, { apiUrl: options.apiUrl, timeoutMs: 1500 });
  const directory = new SlackDirectory(lookupClient, undefined, (e) => log.warn({ err: e }, 'slack: users.info failed; going on without a name'));
  const home = new SlackHomePublisher({ load: options.home, client, clock: options.clock, logger: log });
  registerSlackListeners(app, {
    workspaceId: options.workspaceId,
    submit: options.submit,
    directory,
    logger: log,
    publishHome: async (externalUserId) => void (await home.publish(externalUserId)),
  });
  const sender = new SlackSender(client);

  const refreshAfter = async (message: InboundMessage): Promise<void> => {
    if (message.channel !== 'slack') return;
    try {
      await home.publish(message.externalUserId, { onlyMembers: true });
    } catch (e) {
      // the answer went out; a stale Home tab is refreshed on the next open
      log.warn({ err: e, user: message.externalUserId }, 'slack: App Home refresh failed');
    }
  };

  return {
    app,
    client,
    sender,
    home,
    endpoint,
    mode: receiver ? 'http' : 'socket',
    requestListener: receiver ? receiver.requestListener : undefined,
    async start() {
      if (!receiver) await app.start();
    },
    async stop() {
      if (!receiver) await app.stop();
    },
    refreshAfter,
  };
}

/** The Slack transport when SLACK_BOT_TOKEN is configured, else null (Slack is optional). */
export function slackTransportFromConfig(
  config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'>,
  deps: Pick<SlackTransportOptions, 'home' | 'workspaceId' | 'submit' | 'clock' | 'logger'>,
): SlackTransport | null {
  if (!config.SLACK_BOT_TOKEN) return null;
  return createSlackTransport({
    botToken: config.SLACK_BOT_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: config.SLACK_API_URL,
    ...deps,
  });
}
