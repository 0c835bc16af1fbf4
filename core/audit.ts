// Timeline (Activity) and audit trail (AuditLog) writers used by every use case.
import type { DbOrTx } from './db.js';
import type { Actor } from './actor.js';
import type { Prisma } from '../prisma/generated/client.js';

export interface ActivityInput {
  type: string;
  contactId?: number | null;
  leadId?: number | null;
  dealId?: number | null;
  taskId?: number | null;
  data?: Prisma.InputJsonValue;
}

export async function recordActivity(db: DbOrTx, actor: Pick<Actor, 'workspaceId'> & { userId?: number | null }, a: ActivityInput) {
  return db.activity.create({
    data: {
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId || null,
      type: a.type,
      contactId: a.contactId ?? null,
      leadId: a.leadId ?? null,
      dealId: a.dealId ?? null,
      taskId: a.taskId ?? null,
      data: a.data ?? {},
    },
  });
}

export interface AuditInput {
  action: string;
  entity: string;
  entityId: number | string;
  before?: unknown;
  after?: unknown;
  actorKind?: string;
}

/** JSON-safe copy: Decimal and Date become strings, BigInt becomes a string. */
export function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as Prisma.InputJsonValue;
}

/** An AuditLog row as written: the before/after JSON is toJson of the rows given (never hand-listed columns). */
export interface AuditEntry {
  workspaceId: number;
  actorUserId: number | null;
  actorKind: string;
  action: string;
  entity: string;
  entityId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
}

/** The audit row for a change (written by recordAudit, or with a turn's store step on the intake fast path). */
export function auditEntry(actor: Pick<Actor, 'workspaceId'> & { userId?: number | null }, a: AuditInput): AuditEntry {
  return {
    workspaceId: actor.workspaceId,
    actorUserId: actor.userId || null,
    actorKind: a.actorKind ?? (actor.userId ? 'user' : 'system'),
    action: a.action,
    entity: a.entity,
    entityId: String(a.entityId),
    before: toJson(a.before),
    after: toJson(a.after),
  };
}

export async function recordAudit(db: DbOrTx, actor: Pick<Actor, 'workspaceId'> & { userId?: number | null }, a: AuditInput) {
  return db.auditLog.create({ data: auditEntry(actor, a) });
}

/** Both at once, for changes: a timeline entry and an audit row. */
export async function recordChange(db: DbOrTx, actor: Pick<Actor, 'workspaceId'> & { userId?: number | null }, activity: ActivityInput, audit: AuditInput) {
  await recordActivity(db, actor, activity);
  await recordAudit(db, actor, audit);
}
