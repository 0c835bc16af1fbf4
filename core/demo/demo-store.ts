// The port the demo's history is written through: a whole DemoPlan in a few bulk statements
// (connectors/db/demo-store.ts), inside the caller's transaction. The plan is complete (every
// row's columns, user and stage ids); the store only gives its rows ids and writes them.
import type { DbOrTx } from '../db.js';
import type { DemoPlan } from './demo-plan.js';

export interface DemoStore {
  write(db: DbOrTx, workspaceId: number, plan: DemoPlan): Promise<void>;
}
