// npm run bench:seed — `seed --demo` in process: the team, the 8-week plan and its bulk write
// (core/demo/seed-demo.ts with connectors/db/stores/demo.ts) into fresh workspaces, 3 runs,
// median; beside a baseline measured in the same run: the same plan's leads and deals written
// through the core use cases one by one (captureLead, markFirstResponse, markLeadJunk,
// convertLeadToDeal, moveDealToStage, markDealWon / markDealLost at each event's time; no
// tasks, companies or conversations), in one transaction too. Goal: the seed in a few seconds.
// Data lives in its own database, leadline_bench (BENCH_DATABASE overrides).
import 'dotenv/config';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres } from '../connectors/services.js';
import { seedDemo } from '../core/demo/seed-demo.js';
import type { DemoPlan } from '../core/demo/demo-plan.js';
import type { DemoStore } from '../core/demo/demo-store.js';
import { actorForUser } from '../core/users/index.js';
import { dbContext, sqlStores } from '../connectors/db/stores/index.js';
import type { Clock } from '../core/ports.js';
import type { DbOrTx } from '../core/db.js';
import { captureLead, markFirstResponse, markLeadJunk } from '../core/leads/index.js';
import { convertLeadToDeal, markDealLost, markDealWon, moveDealToStage } from '../core/deals/index.js';

const RUNS = 3;

/** A clock a test moves: each use case runs at its event's time. */
class SetClock implements Clock {
  at = new Date();
  now() {
    return new Date(this.at);
  }
}

/** The plan's leads and deals through the use cases (contacts and the team come from a real seed). */
function useCaseStore(): DemoStore & { ms: number; rows: number } {
  const store = {
    ms: 0,
    rows: 0,
    async write(tx: DbOrTx, workspaceId: number, plan: DemoPlan) {
      const started = performance.now();
      // contacts in bulk, as a given: the baseline is about the leads and deals
      await sqlStores.demo.write(tx, workspaceId, { ...plan, conversations: [], messages: [], leads: [], deals: [], tasks: [], activities: [] });
      const contacts = await tx.contact.findMany({ where: { workspaceId }, orderBy: { id: 'asc' }, select: { id: true } });
      const clock = new SetClock();
      const ctx = dbContext(tx, { clock });
      const actors = new Map<number, Awaited<ReturnType<typeof actorForUser>>>();
      const actor = async (id: number) => actors.get(id) ?? actors.set(id, await actorForUser(tx, id)).get(id)!;
      const stages = await tx.stage.findMany({ where: { pipeline: { workspaceId } } });
      const stageName = new Map(stages.map((s) => [s.id, s.name]));
      const leadIds: number[] = [];
      for (const l of plan.leads) {
        clock.at = l.createdAt;
        const manager = l.assigneeId ?? plan.lastAssignedAt[0]!.userId;
        const lead = await captureLead(ctx, await actor(manager), {
          contactId: contacts[l.contact]!.id,
          source: l.source,
          text: l.firstMessage,
          title: l.title,
          assigneeId: manager,
        });
        leadIds.push(lead.id);
        if (l.firstResponseAt) await markFirstResponse(ctx, lead.id, l.firstResponseAt);
        if (l.status === 'junk') await markLeadJunk(ctx, await actor(manager), lead.id, l.junkReason ?? 'junk');
      }
      for (const d of plan.deals) {
        const owner = await actor(d.ownerId);
        clock.at = d.createdAt;
        const deal = await convertLeadToDeal(ctx, owner, leadIds[d.lead!]!, { title: d.title, amount: d.amount, currency: d.currency });
        const moves = plan.activities
          .filter((a) => a.deal === plan.deals.indexOf(d) && a.type.startsWith('deal.') && a.type !== 'deal.created')
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
        for (const m of moves) {
          clock.at = m.createdAt;
          if (m.type === 'deal.won') await markDealWon(ctx, owner, deal.id);
          else if (m.type === 'deal.lost') await markDealLost(ctx, owner, deal.id, String(m.data.reason ?? 'lost'));
          else await moveDealToStage(ctx, owner, deal.id, String(m.data.to ?? stageName.get(d.stageId)));
        }
      }
      store.ms = performance.now() - started;
      store.rows = plan.leads.length + plan.deals.length;
    },
  };
  return store;
}

async function main() {
  const config = loadConfig();
  const url = withDatabase(config.DATABASE_URL, process.env.BENCH_DATABASE ?? 'leadline_bench');
  await checkPostgres(config.DATABASE_URL);
  await migrate(url);
  const db = createPrisma(url, 4);
  try {
    const stamp = Date.now().toString(36);
    const times: number[] = [];
    let rows = 0;
    let counts = '';
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const result = await seedDemo(db, sqlStores, { slug: `bench-seed-${stamp}-${i}`, locale: i % 2 ? 'ru' : 'en' });
      times.push(performance.now() - started);
      rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
      counts = JSON.stringify(result.counts);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    const baseline = useCaseStore();
    await seedDemo(db, { ...sqlStores, demo: baseline }, { slug: `bench-seed-${stamp}-usecases`, locale: 'en' });

    console.log(
      `seed --demo (team, plan, bulk write): median ${median.toFixed(0)} ms of ${RUNS} runs (${times.map((t) => t.toFixed(0)).join(', ')}), ${rows} rows ${counts}`,
    );
    console.log(
      `baseline, same run: the plan's ${baseline.rows} leads and deals alone through the use cases: ${baseline.ms.toFixed(0)} ms (${(baseline.ms / baseline.rows).toFixed(1)} ms per lead or deal)`,
    );
    console.log(`goal: a few seconds: ${median < 5_000 ? 'met' : 'not met'}`);
  } finally {
    await db.$disconnect();
  }
}

await main();
