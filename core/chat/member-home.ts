// What a team member's home screen shows (Slack's App Home today): their tasks due today,
// their open leads and deals, the deal board (core/miniapp/board.ts), read with the same
// list use cases and permissions as chat.
// Transports render it; they never read the database themselves.
import type { CoreContext } from '../context.js';
import type { Channel } from '../../prisma/generated/enums.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import { listTasks, effectiveDueAt } from '../tasks/index.js';
import { listLeads } from '../leads/index.js';
import { listDeals } from '../deals/find-deals.js';
import { memberActor } from '../users/member-actor.js';
import { loadBoard } from '../miniapp/board.js';

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
/** The board as a home screen shows it: the default pipeline's open stages, each with a few deals and the stage a deal goes to next. */
export interface HomeBoard {
  pipeline: string;
  stages: Array<{
    name: string;
    total: number;
    deals: Array<{ id: number; title: string; amount: string | null; currency: string | null; owner: string; next: string | null }>;
  }>;
}
export interface HomeData {
  name: string;
  timezone: string;
  tasks: HomeTask[];
  leads: HomeLead[];
  deals: HomeDeal[];
  /** the deal board (the Mini App's, core/miniapp/board.ts): a manager's own deals, a head's the team's */
  board?: HomeBoard;
  /** offer the "open the board in a browser" button (web-view links are configured) */
  webLink?: boolean;
}

export type MemberHome = { linked: false; locale: Locale } | ({ linked: true; locale: Locale } & HomeData);

/** How many of each list a home screen shows; a few more are read to say "and N more". */
const READ = 35;
/** Deals per stage on a home screen's board (Slack allows 100 blocks in a view). */
const BOARD_DEALS = 3;

export interface HomeOptions {
  /** web-view links are configured (MINIAPP_URL, MINIAPP_LINK_SECRET) */
  webLink?: boolean;
}

/** The home screen of the person behind a channel account: a linked active member's, or "not linked". */
export async function memberHome(
  ctx: CoreContext,
  workspaceId: number,
  channel: Channel,
  externalUserId: string,
  options: HomeOptions = {},
): Promise<MemberHome> {
  const identity = await ctx.db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId, channel, externalId: externalUserId } },
    include: { user: true, workspace: true },
  });
  if (!identity?.user || !identity.user.active || identity.user.workspaceId !== workspaceId) {
    const ws = identity?.workspace ?? (await ctx.db.workspace.findUnique({ where: { id: workspaceId }, select: { locale: true } }));
    return { linked: false, locale: resolveLocale(identity?.languageCode, ws?.locale) };
  }
  const actor = memberActor(identity.workspace, identity.user, identity);
  const [tasks, leads, deals, board] = await Promise.all([
    listTasks(ctx, actor, 'today', { limit: READ }),
    listLeads(ctx, actor, { filter: 'mine', limit: READ }),
    listDeals(ctx, actor, { status: 'open', ownerId: actor.userId, limit: READ }),
    loadBoard(ctx, actor),
  ]);
  const open = board.stages.filter((s) => s.kind === 'open');
  return {
    linked: true,
    locale: actor.locale,
    name: identity.user.name,
    timezone: actor.timezone,
    tasks: tasks.map((task) => ({ id: task.id, title: task.title, due: effectiveDueAt(task) })),
    leads: leads.map((lead) => ({ id: lead.id, title: lead.title, status: lead.status })),
    deals: deals.map((deal) => ({ id: deal.id, title: deal.title, stage: deal.stage.name, amount: deal.amount?.toString() ?? null, currency: deal.currency })),
    board: {
      pipeline: board.pipeline.name,
      stages: open.map((stage) => ({
        name: stage.name,
        total: stage.total,
        deals: stage.deals.slice(0, BOARD_DEALS).map((d) => ({
          id: d.id,
          title: d.title,
          amount: d.amount,
          currency: d.currency,
          owner: d.owner.name,
          next: board.stages[board.stages.indexOf(stage) + 1]?.name ?? null,
        })),
      })),
    },
    webLink: Boolean(options.webLink),
  };
}

/** The home screens of one workspace on one channel, as a function a transport is given by the composition root. */
export type HomeLoader = (externalUserId: string) => Promise<MemberHome>;

export function homeLoader(ctx: CoreContext, workspaceId: number, channel: Channel, options: HomeOptions = {}): HomeLoader {
  return (externalUserId) => memberHome(ctx, workspaceId, channel, externalUserId, options);
}
