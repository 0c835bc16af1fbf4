// The database handle core works with: Prisma's generated client (types only come from
// prisma/generated; the instance is created in connectors/db and passed in).
import type { PrismaClient } from '../prisma/generated/client.js';
import type { Prisma } from '../prisma/generated/client.js';

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
/** Either the client or an open transaction: use cases accept both. */
export type DbOrTx = Db | Tx;

/** Runs fn in a transaction, or inside the caller's transaction when already in one. */
export async function inTx<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('$transaction' in db) return (db as Db).$transaction(fn);
  return fn(db);
}

/** A unique key refused the write (Prisma's P2002, or a raw statement's SQLSTATE 23505, through Prisma or not). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  // P2002: Prisma's; 23505: pg's own error, from a statement outside Prisma (connectors/db/direct.ts)
  if (err?.code === 'P2002' || err?.code === '23505') return true;
  const cause = err?.meta?.driverAdapterError?.cause;
  return err?.meta?.code === '23505' || cause?.originalCode === '23505' || cause?.kind === 'UniqueConstraintViolation';
}
