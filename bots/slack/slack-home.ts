// The App Home tab: my tasks today (with Done buttons), my open leads and my open deals,
// read with core's list functions as the member sees them, published with views.publish.
// Published when the tab is opened and after the member's own actions change things.
import type { types } from '@slack/bolt';
import type { Db } from '../../core/db.js';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { coreContext } from '../../core/context.js';
import { memberActor } from '../../core/chat/speaker.js';
import { listTasks, effectiveDueAt } from '../../core/tasks/index.js';
import { listLeads } from '../../core/leads/index.js';
import { listDeals } from '../../core/deals/find-deals.js';
import { t, formatDateTime, formatMoney, resolveLocale, type Locale, type MessageKey } from '../../core/i18n/index.js';
import type { Logger } from '../../connectors/logger.js';
import { escapeMrkdwn } from './slack-render.js';
import { userIdOfKey } from './slack-ids.js';
import type { WebClient } from './slack-sender.js';

type KnownBlock = types.KnownBlock;

const SHOWN = 15;

export interface HomeTask {
  id: number;
  title: string;
  due: Date;
}
export interface HomeLead {
  id: number;
  title: string;
  status: string;
}
export interface HomeDeal {
  id: number;
  title: string;
  stage: string;
  amount: string | null;
  currency: string | null;
}
export interface HomeData {
  name: string;
  timezone: string;
  tasks: HomeTask[];
  leads: HomeLead[];
  deals: HomeDeal[];
}

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
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(locale, 'slack.home.updated', { at: formatDateTime(locale, now, data.timezone) })) }],
    },
  ];
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

export function notLinkedView(locale: Locale): types.HomeView {
  return { type: 'home', blocks: [header(t(locale, 'slack.home.title')), line(t(locale, 'slack.home.not_linked'))] };
}

export interface SlackHomeDeps {
  db: Db;
  workspaceId: number;
  client: WebClient;
  clock?: Clock;
  logger?: Logger;
}

export class SlackHomePublisher {
  constructor(private readonly deps: SlackHomeDeps) {}

  /** Publishes the Home tab of a Slack account (Identity.externalId "TEAM:USER"). */
  async publish(externalUserId: string): Promise<void> {
    const slackUserId = userIdOfKey(externalUserId);
    if (!slackUserId) return;
    const { db, workspaceId, client } = this.deps;
    const now = (this.deps.clock ?? systemClock).now();
    const identity = await db.identity.findUnique({
      where: { workspaceId_channel_externalId: { workspaceId, channel: 'slack', externalId: externalUserId } },
      include: { user: true, workspace: true },
    });
    if (!identity?.user || !identity.user.active) {
      const ws = await db.workspace.findUnique({ where: { id: workspaceId }, select: { locale: true } });
      await client.views.publish({ user_id: slackUserId, view: notLinkedView(resolveLocale(identity?.languageCode, ws?.locale)) });
      return;
    }
    const actor = memberActor(identity.workspace, identity.user, identity);
    const ctx = coreContext(db, { clock: this.deps.clock });
    const [tasks, leads, deals] = await Promise.all([
      listTasks(ctx, actor, 'today', { limit: SHOWN + 20 }),
      listLeads(ctx, actor, { filter: 'mine', limit: SHOWN + 20 }),
      listDeals(ctx, actor, { status: 'open', ownerId: actor.userId, limit: SHOWN + 20 }),
    ]);
    const view = homeView(
      actor.locale,
      {
        name: identity.user.name,
        timezone: actor.timezone,
        tasks: tasks.map((task) => ({ id: task.id, title: task.title, due: effectiveDueAt(task) })),
        leads: leads.map((lead) => ({ id: lead.id, title: lead.title, status: lead.status })),
        deals: deals.map((deal) => ({
          id: deal.id,
          title: deal.title,
          stage: deal.stage.name,
          amount: deal.amount?.toString() ?? null,
          currency: deal.currency,
        })),
      },
      now,
    );
    await client.views.publish({ user_id: slackUserId, view });
  }

  /** Republishes the Home tab of every Slack account of a team member (after their data changed). */
  async publishForUser(userId: number): Promise<void> {
    const identities = await this.deps.db.identity.findMany({
      where: { workspaceId: this.deps.workspaceId, channel: 'slack', userId },
      select: { externalId: true },
    });
    for (const i of identities) await this.publish(i.externalId);
  }
}
