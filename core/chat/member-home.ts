// What a team member's home screen shows (Slack's App Home today): their tasks due today,
// their open leads and deals, read with the same list use cases and permissions as chat.
// Transports render it; they never read the database themselves.
import type { CoreContext } from '../context.js';
import type { Channel } from '../../prisma/generated/enums.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import { listTasks, effectiveDueAt } from '../tasks/index.js';
import { listLeads } from '../leads/index.js';
import { listDeals } from '../deals/find-deals.js';
import { memberActor } from './speaker.js';

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

export type MemberHome = { linked: false; locale: Locale } | ({ linked: true; locale: Locale } & HomeData);

/** How many of each list a home screen shows; a few more are read to say "and N more". */
const READ = 35;

/** The home screen of the person behind a channel account: a linked active member's, or "not linked". */
export async function memberHome(ctx: CoreContext, workspaceId: number, channel: Channel, externalUserId: string): Promise<MemberHome> {
  const identity = await ctx.db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId, channel, externalId: externalUserId } },
    include: { user: true, workspace: true },
  });
  if (!identity?.user || !identity.user.active || identity.user.workspaceId !== workspaceId) {
    const ws = identity?.workspace ?? (await ctx.db.workspace.findUnique({ where: { id: workspaceId }, select: { locale: true } }));
    return { linked: false, locale: resolveLocale(identity?.languageCode, ws?.locale) };
  }
  const actor = memberActor(identity.workspace, identity.user, identity);
  const [tasks, leads, deals] = await Promise.all([
    listTasks(ctx, actor, 'today', { limit: READ }),
    listLeads(ctx, actor, { filter: 'mine', limit: READ }),
    listDeals(ctx, actor, { status: 'open', ownerId: actor.userId, limit: READ }),
  ]);
  return {
    linked: true,
    locale: actor.locale,
    name: identity.user.name,
    timezone: actor.timezone,
    tasks: tasks.map((task) => ({ id: task.id, title: task.title, due: effectiveDueAt(task) })),
    leads: leads.map((lead) => ({ id: lead.id, title: lead.title, status: lead.status })),
    deals: deals.map((deal) => ({ id: deal.id, title: deal.title, stage: deal.stage.name, amount: deal.amount?.toString() ?? null, currency: deal.currency })),
  };
}

/** The home screens of one workspace on one channel, as a function a transport is given by the composition root. */
export type HomeLoader = (externalUserId: string) => Promise<MemberHome>;

export function homeLoader(ctx: CoreContext, workspaceId: number, channel: Channel): HomeLoader {
  return (externalUserId) => memberHome(ctx, workspaceId, channel, externalUserId);
}
