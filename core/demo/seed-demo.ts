// `leadline seed --demo`: a demo team and eight weeks of their work in one workspace, so every
// digest and chart has figures the moment a newcomer looks (core/demo/demo-plan.ts plans it).
//
// Which workspace: the one asked for (the CLI's default is DEFAULT_WORKSPACE, where every
// other command looks). The demo goes only into a workspace that is new, empty (nobody and
// nothing in it yet: no team, contacts, leads, deals, tasks, mailboxes, forms, API keys or
// webhooks), or one it built before. It is never mixed into a workspace in use.
//
// Once: the demo is one transaction that first locks the workspace row, so a run that fails
// leaves nothing behind, and of two runs at once the second waits and then finds the demo
// (a demo.seed audit row marks it) and changes nothing. `reset` rebuilds a demo workspace in
// place (same row and id, so a running Leadline keeps working); it never clears anything else.
import type { Db, Tx } from '../db.js';
import { systemActor } from '../actor.js';
import { recordAudit } from '../audit.js';
import { coreContext } from '../context.js';
import { invalid } from '../errors.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import type { Clock } from '../ports.js';
import { addUser } from '../users/add-user.js';
import { defaultPipeline } from '../workspaces/default-pipeline.js';
import { ensureWorkspace } from '../workspaces/ensure-workspace.js';
import { setBusinessHours } from '../workspaces/business-hours-setting.js';
import { DEMO_BUSINESS_HOURS, DEMO_CONTENT, DEMO_SEED, planDemo } from './demo-plan.js';
import type { Stores } from '../stores.js';

export const DEMO_MARKER = 'demo.seed';

export interface SeedDemoOptions {
  slug: string;
  /** the demo's language; default: an existing workspace's, else `fallbackLocale` */
  locale?: Locale;
  fallbackLocale?: Locale;
  /** clear a demo workspace and build it again */
  reset?: boolean;
  clock?: Clock;
  seed?: number;
  /** told as each part starts (the CLI shows it on a terminal) */
  onProgress?: (step: 'team' | 'history' | 'saving') => void;
}

export interface SeedDemoResult {
  workspace: string;
  /** false: the workspace already held the demo and nothing was changed */
  created: boolean;
  locale: Locale;
  /** the team; invite codes only when just created (only their hashes are stored) */
  users: Array<{ id: number; name: string; role: string; inviteCode: string | null }>;
  counts: { contacts: number; leads: number; deals: number; tasks: number; activities: number };
}

/** Nobody and nothing in the workspace yet (its pipeline and audit trail aside). */
async function workspaceInUse(tx: Tx, workspaceId: number): Promise<Record<string, number> | null> {
  const ws = await tx.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: {
      _count: {
        select: { users: true, contacts: true, leads: true, deals: true, tasks: true, mailboxes: true, webForms: true, apiKeys: true, webhooks: true },
      },
    },
  });
  const used = Object.entries(ws._count).filter(([, n]) => n > 0);
  return used.length ? Object.fromEntries(used) : null;
}

/** Removes a demo's rows, keeping the workspace row, its pipeline and its settings. */
async function clearDemo(tx: Tx, workspaceId: number): Promise<void> {
  const where = { workspaceId };
  // deals restrict deleting their owner: first
  await tx.deal.deleteMany({ where });
  await tx.task.deleteMany({ where });
  await tx.lead.deleteMany({ where });
  await tx.notificationRef.deleteMany({ where });
  await tx.activity.deleteMany({ where });
  await tx.conversation.deleteMany({ where });
  await tx.identity.deleteMany({ where });
  await tx.contact.deleteMany({ where });
  await tx.company.deleteMany({ where });
  await tx.user.deleteMany({ where });
  await tx.auditLog.deleteMany({ where });
}

async function countsOf(tx: Tx, workspaceId: number): Promise<SeedDemoResult['counts']> {
  const where = { workspaceId };
  return {
    contacts: await tx.contact.count({ where }),
    leads: await tx.lead.count({ where }),
    deals: await tx.deal.count({ where }),
    tasks: await tx.task.count({ where }),
    activities: await tx.activity.count({ where }),
  };
}

export async function seedDemo(db: Db, stores: Stores, options: SeedDemoOptions): Promise<SeedDemoResult> {
  const slug = options.slug;
  const existing = await db.workspace.findUnique({ where: { slug } });
  const locale = options.locale ?? (existing ? resolveLocale(existing.locale) : (options.fallbackLocale ?? 'en'));
  const content = DEMO_CONTENT[locale];
  const ws =
    existing ?? (await ensureWorkspace(db, slug, { name: content.workspaceName, timezone: content.timezone, locale, phoneRegion: content.phoneRegion }));

  return db.$transaction(
    async (tx) => {
      // the lock: a second seed of this workspace waits here until this one is done
      await tx.workspace.update({ where: { id: ws.id }, data: { updatedAt: new Date() } });
      const seeded = await tx.auditLog.findFirst({ where: { workspaceId: ws.id, action: DEMO_MARKER }, orderBy: { id: 'desc' } });
      if (!seeded) {
        const used = await workspaceInUse(tx, ws.id);
        if (used) {
          const what = Object.entries(used)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ');
          throw invalid('seed.in_use', { slug, what });
        }
      } else if (!options.reset) {
        const team = await tx.user.findMany({ where: { workspaceId: ws.id }, orderBy: { id: 'asc' } });
        return {
          workspace: slug,
          created: false,
          locale: resolveLocale(ws.locale),
          users: team.map((u) => ({ id: u.id, name: u.name, role: u.role, inviteCode: null })),
          counts: await countsOf(tx, ws.id),
        };
      } else {
        await clearDemo(tx, ws.id);
      }

      const ctx = coreContext(tx, { clock: options.clock, stores });
      const now = ctx.clock.now();
      // the workspace becomes the demo's: its name, language, time zone and business hours
      const demoWs = await tx.workspace.update({
        where: { id: ws.id },
        data: { name: content.workspaceName, locale, timezone: content.timezone, phoneRegion: content.phoneRegion, firstResponseMinutes: 15 },
      });
      const system = systemActor(demoWs);
      const withHours = await setBusinessHours(ctx, system, DEMO_BUSINESS_HOURS);

      options.onProgress?.('team');
      const users: SeedDemoResult['users'] = [];
      const team: Array<{ id: number; timezone: string }> = [];
      for (const member of content.team) {
        const { user, inviteCode } = await addUser(ctx, system, { ...member, locale });
        users.push({ id: user.id, name: user.name, role: user.role, inviteCode });
        team.push({ id: user.id, timezone: member.timezone });
      }

      options.onProgress?.('history');
      const pipeline = await defaultPipeline(tx, ws.id);
      const seed = options.seed ?? DEMO_SEED;
      const plan = planDemo({
        now,
        locale,
        workspace: withHours,
        head: team[0]!,
        managers: team.slice(1),
        pipeline: { id: pipeline.id, stages: pipeline.stages },
        seed,
      });
      options.onProgress?.('saving');
      await stores.demo.write(tx, ws.id, plan);
      for (const { userId, at } of plan.lastAssignedAt) await tx.user.update({ where: { id: userId }, data: { lastAssignedAt: at } });
      await recordAudit(tx, system, { action: DEMO_MARKER, entity: 'workspace', entityId: ws.id, after: { locale, seed, now: now.toISOString() } });
      return { workspace: slug, created: true, locale, users, counts: await countsOf(tx, ws.id) };
    },
    // a loaded machine: the whole demo is one transaction of a second or two
    { timeout: 120_000, maxWait: 30_000 },
  );
}
