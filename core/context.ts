// What every use case receives besides the actor: the database (client or open
// transaction), the clock, the stores (core/stores.ts) and the optional ports wired by the
// composition root.
import type { DbOrTx } from './db.js';
import type { Clock, Scheduler, Llm } from './ports.js';
import { systemClock } from './ports.js';
import type { Stores } from './stores.js';

export interface CoreContext {
  db: DbOrTx;
  clock: Clock;
  /** the statements beyond the ORM (connectors/db/stores: sqlStores) */
  stores: Stores;
  /** moves reminder / SLA jobs when tasks and leads change; absent in pure CLI runs */
  scheduler?: Scheduler;
  llm?: Llm;
}

export function coreContext(db: DbOrTx, extra: Partial<Omit<CoreContext, 'db' | 'stores'>> & { stores: Stores }): CoreContext {
  return { db, clock: extra.clock ?? systemClock, stores: extra.stores, scheduler: extra.scheduler, llm: extra.llm };
}

/** The same context bound to an open transaction. */
export function withTx(ctx: CoreContext, tx: DbOrTx): CoreContext {
  return { ...ctx, db: tx };
}
