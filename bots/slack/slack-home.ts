// The App Home tab: my tasks today (with Done buttons), my open leads and my open deals, the
// deal board with next-stage buttons and a signed link to the web view (the Mini App),
// rendered from core's member home (core/chat/member-home.ts), published with views.publish.
// Published when the tab is opened and after the member's own actions change things.
import type { types } from '@slack/bolt';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import type { HomeData, HomeLoader } from '../../core/chat/member-home.js';
import { t, formatDateTime, formatMoney, type Locale, type MessageKey } from '../../core/i18n/index.js';
import type { Logger } from '../../connectors/logger.js';
import { escapeMrkdwn } from './slack-render.js';
import { userIdOfKey } from './slack-ids.js';
import type { WebClient } from './slack-sender.js';
import { WEB_LINK_ACTION } from '../../core/miniapp/web-link.js';

type KnownBlock = types.KnownBlock;

const SHOWN = 15;

function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } };
}

function line(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text).slice(0, 3000), verbatim: true } };
}

function listSection<T>(locale: Locale, title: MessageKey, empty: MessageKey, items: T[], render: (item: T) => KnownBlock): KnownBlock[] {
  const blocks: KnownBlock[] = [header(t(locale, title))];
  if (!items.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(locale, empty)) }] });
  for (const item of items.slice(0, SHOWN)) blocks.push(render(item));
  if (items.length > SHOWN)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(locale, 'slack.home.more', { count: items.length - SHOWN })) }] });
  return blocks;
}

/** The Home view of a linked member. Pure: tests build it from plain data. */
export function homeView(locale: Locale, data: HomeData, now: Date): types.HomeView {
  const blocks: KnownBlock[] = [
    header(t(locale, 'slack.home.title')),
    line(t(locale, 'slack.home.greeting', { name: data.name })),
    { type: 'divider' },
    ...listSection(locale, 'slack.home.tasks_today', 'slack.home.no_tasks', data.tasks, (task) => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: escapeMrkdwn(t(locale, 'slack.home.task_line', { id: task.id, title: task.title, due: formatDateTime(locale, task.due, data.timezone) })),
        verbatim: true,
      },
      accessory: {
        type: 'button',
        text: { type: 'plain_text', text: t(locale, 'slack.button.done') },
        action_id: `task:done:${task.id}`,
        value: `task:done:${task.id}`,
      },
    })),
    { type: 'divider' },
    ...listSection(locale, 'slack.home.leads', 'slack.home.no_leads', data.leads, (lead) =>
      line(t(locale, 'slack.home.lead_line', { id: lead.id, title: lead.title, status: t(locale, `lead.status.${lead.status}` as MessageKey) })),
    ),
    { type: 'divider' },
    ...listSection(locale, 'slack.home.deals', 'slack.home.no_deals', data.deals, (deal) =>
      line(
        t(locale, 'slack.home.deal_line', {
          id: deal.id,
          title: deal.title,
          stage: deal.stage,
          amount: deal.amount && deal.currency ? ` · ${formatMoney(locale, deal.amount, deal.currency)}` : '',
        }),
      ),
    ),
    ...boardBlocks(locale, data),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(locale, 'slack.home.updated', { at: formatDateTime(locale, now, data.timezone) })) }],
    },
  ];
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/**
 * The deal board (the Mini App's, in Block Kit where it fits): each open stage with its count
 * and first deals, a "next stage" button on each deal (the chat's deal:stage action), and the
 * button that sends a signed link to the full board in a browser (miniapp:link:0).
 */
function boardBlocks(locale: Locale, data: HomeData): KnownBlock[] {
  const board = data.board;
  if (!board) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, header(t(locale, 'miniapp.slack.board', { pipeline: board.pipeline }))];
  if (data.webLink) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: t(locale, 'miniapp.slack.open_web') },
          action_id: WEB_LINK_ACTION,
          value: WEB_LINK_ACTION,
          style: 'primary',
        },
      ],
    });
  }
  for (const stage of board.stages) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: t(locale, 'miniapp.slack.stage', { stage: escapeMrkdwn(stage.name), count: stage.total }).slice(0, 3000) },
    });
    for (const deal of stage.deals) {
      const text = t(locale, 'miniapp.slack.deal', {
        id: deal.id,
        title: deal.title,
        amount: deal.amount && deal.currency ? ` · ${formatMoney(locale, deal.amount, deal.currency)}` : '',
        owner: deal.owner,
      });
      const data = deal.next ? `deal:stage:${deal.id}:${deal.next}` : null;
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: escapeMrkdwn(text).slice(0, 3000), verbatim: true },
        ...(data && data.length <= 255
          ? {
              accessory: {
                type: 'button',
                text: { type: 'plain_text', text: t(locale, 'miniapp.slack.next', { stage: deal.next! }).slice(0, 75) },
                action_id: data,
                value: data,
              },
            }
          : {}),
      });
    }
    if (stage.total > stage.deals.length)
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(locale, 'slack.home.more', { count: stage.total - stage.deals.length })) }],
      });
  }
  return blocks;
}

export function notLinkedView(locale: Locale): types.HomeView {
  return { type: 'home', blocks: [header(t(locale, 'slack.home.title')), line(t(locale, 'slack.home.not_linked'))] };
}

export interface SlackHomeDeps {
  /** reads a member's home screen (core/chat/member-home.ts), given by the composition root */
  load: HomeLoader;
  client: WebClient;
  clock?: Clock;
  logger?: Logger;
}

export class SlackHomePublisher {
  constructor(private readonly deps: SlackHomeDeps) {}

  /**
   * Publishes the Home tab of a Slack account (Identity.externalId "TEAM:USER"): the member's
   * lists, or how to link when the account is nobody's. `onlyMembers`: do nothing for others
   * (a refresh after a customer's message). Resolves to whether the account is a member's.
   */
  async publish(externalUserId: string, options: { onlyMembers?: boolean } = {}): Promise<boolean> {
    const slackUserId = userIdOfKey(externalUserId);
    if (!slackUserId) return false;
    const home = await this.deps.load(externalUserId);
    if (!home.linked) {
      if (!options.onlyMembers) await this.deps.client.views.publish({ user_id: slackUserId, view: notLinkedView(home.locale) });
      return false;
    }
    const now = (this.deps.clock ?? systemClock).now();
    await this.deps.client.views.publish({ user_id: slackUserId, view: homeView(home.locale, home, now) });
    return true;
  }
}
