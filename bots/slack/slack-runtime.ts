// What the composition root (bots/main.ts) needs from Slack, per role, when SLACK_BOT_TOKEN
// is set (each returns null otherwise):
//   web:    startSlackWeb -> a route for the HTTP server (POST /slack/events), or a Socket
//           Mode connection when SLACK_APP_TOKEN is set; events go to the inbound queue.
//   worker: slackSenderFromConfig -> the outbound queue's "slack" sender;
//           slackHomeRefresher -> call after each handled message to refresh App Home.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../connectors/config.js';
import type { Logger } from '../../connectors/logger.js';
import type { InboundMessage, InboundMessageInput } from '../../core/chat/inbound.js';
import type { HomeLoader } from '../../core/chat/member-home.js';
import { SlackHomePublisher } from './slack-home.js';
import { slackTransportFromConfig, type SlackTransport } from './slack-app.js';
import { createSlackClient, SlackSender } from './slack-sender.js';

type SlackConfig = Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'>;

export interface SlackWeb {
  transport: SlackTransport;
  /** HTTP mode: path -> handler for the web role's server; empty in Socket Mode */
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** a line for the start-up banner */
  describe: string;
  stop(): Promise<void>;
}

export async function startSlackWeb(
  config: SlackConfig,
  deps: { home: HomeLoader; workspaceId: number; inbound: { enqueue(m: InboundMessageInput): Promise<void> }; logger: Logger },
): Promise<SlackWeb | null> {
  const transport = slackTransportFromConfig(config, {
    home: deps.home,
    workspaceId: deps.workspaceId,
    logger: deps.logger,
    submit: (m) => deps.inbound.enqueue(m),
  });
  if (!transport) return null;
  await transport.start();
  const routes: SlackWeb['routes'] = {};
  if (transport.requestListener) routes[transport.endpoint] = transport.requestListener;
  return {
    transport,
    routes,
    describe:
      transport.mode === 'socket'
        ? 'Slack: Socket Mode connected (events, /crm, buttons and shortcuts arrive over the socket).'
        : `Slack: events, /crm, buttons and shortcuts at POST ${transport.endpoint} (signature-checked).`,
    stop: () => transport.stop(),
  };
}

export function slackSenderFromConfig(config: SlackConfig): SlackSender | null {
  if (!config.SLACK_BOT_TOKEN) return null;
  return new SlackSender(createSlackClient(config.SLACK_BOT_TOKEN, { apiUrl: config.SLACK_API_URL }));
}

/** After the engine handled a Slack message from a team member: republish their App Home. Never throws. */
export function slackHomeRefresher(config: SlackConfig, deps: { home: HomeLoader; logger: Logger }): ((message: InboundMessage) => void) | null {
  if (!config.SLACK_BOT_TOKEN) return null;
  const home = new SlackHomePublisher({
    load: deps.home,
    client: createSlackClient(config.SLACK_BOT_TOKEN, { apiUrl: config.SLACK_API_URL }),
    logger: deps.logger,
  });
  return (message) => {
    if (message.channel !== 'slack') return;
    home
      .publish(message.externalUserId, { onlyMembers: true })
      .catch((e: Error) => deps.logger.warn({ err: e, user: message.externalUserId }, 'slack: App Home refresh failed'));
  };
}
