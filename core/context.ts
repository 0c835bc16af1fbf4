// What every use case receives besides the actor: the database (client or open
// transaction), the clock, and the optional ports wired by the composition root.
import type { DbOrTx } from './db.js';
import type { Clock, Scheduler, Llm } from './ports.js';
import { systemClock } from './ports.js';

export interface CoreContext {
  db: DbOrTx;
  clock: Clock;
  /** moves reminder / SLA jobs when tasks and leads change; absent in pure CLI runs */
  scheduler?: Scheduler;
  llm?: Llm;
}

export function coreContext(db: DbOrTx, extra: Partial<Omit<CoreContext, 'db'>> = {}): CoreContext {
  return { db, clock: extra.clock ?? systemClock, scheduler: extra.scheduler, llm: extra.llm };
}

/** The same context bound to an open transaction. */
export function withTx(ctx: CoreContext, tx: DbOrTx): CoreContext {
  return { ...ctx, db: tx };
}
