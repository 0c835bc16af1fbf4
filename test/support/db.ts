// Test helpers over the real test database: a shared client and a fresh workspace per test.
import { inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createPrisma } from '../../connectors/db/client.js';
import type { Db } from '../../core/db.js';

let client: Db | undefined;

/** The PrismaClient of this test file, connected to the migrated test database. */
export function testDb(): Db {
  if (!client) {
    client = createPrisma(inject('databaseUrl'), 5);
    afterAll(async () => {
      await client?.$disconnect();
      client = undefined;
    });
  }
  return client;
}

export function uniqueSlug(prefix = 'ws'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
