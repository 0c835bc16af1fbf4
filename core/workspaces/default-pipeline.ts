import type { DbOrTx } from '../db.js';

/** The stages every workspace starts with, in funnel order. */
export const DEFAULT_STAGES = [
  { name: 'New', kind: 'open' },
  { name: 'Qualified', kind: 'open' },
  { name: 'Proposal', kind: 'open' },
  { name: 'Negotiation', kind: 'open' },
  { name: 'Won', kind: 'won' },
  { name: 'Lost', kind: 'lost' },
] as const;

export async function createDefaultPipeline(db: DbOrTx, workspaceId: number) {
  return db.pipeline.create({
    data: {
      workspaceId,
      name: 'Sales',
      isDefault: true,
      stages: { create: DEFAULT_STAGES.map((s, i) => ({ name: s.name, kind: s.kind, position: i + 1 })) },
    },
    include: { stages: { orderBy: { position: 'asc' } } },
  });
}

export async function defaultPipeline(db: DbOrTx, workspaceId: number) {
  const found = await db.pipeline.findFirst({
    where: { workspaceId, isDefault: true },
    include: { stages: { orderBy: { position: 'asc' } } },
  });
  return found ?? createDefaultPipeline(db, workspaceId);
}
