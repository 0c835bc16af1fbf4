import { describe, it, expect, inject } from 'vitest';
import pg from 'pg';
import { migrate } from '../../../connectors/db/migrate.js';
import { withDatabase, quoteIdent } from '../../../connectors/db/database-url.js';

const EXPECTED_TABLES = [
  'Activity',
  'ApiKey',
  'AuditLog',
  'Company',
  'Contact',
  'ContactEmail',
  'ContactPhone',
  'Conversation',
  'Deal',
  'DigestSubscription',
  'Identity',
  'InboundEvent',
  'InviteCode',
  'Lead',
  'LlmUsage',
  'Mailbox',
  'Message',
  'NotificationRef',
  'Pipeline',
  'ReminderDelivery',
  'Stage',
  'Task',
  'User',
  'Workspace',
];

describe('migrate', () => {
  it('creates a missing database with every table, and a second run changes nothing', async () => {
    const name = `leadline_migrate_${process.pid}_${Date.now()}`;
    const url = withDatabase(inject('databaseUrl'), name);
    try {
      const first = await migrate(url);
      expect(first.created).toBe(true);
      expect(first.applied.length).toBeGreaterThan(0);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
      const names = tables.rows.map((r) => r.tablename as string);
      for (const t of EXPECTED_TABLES) expect(names).toContain(t);
      const before = await client.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1');
      await client.end();

      const second = await migrate(url);
      expect(second).toEqual({ created: false, applied: [] });

      const again = new pg.Client({ connectionString: url });
      await again.connect();
      const after = await again.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1');
      await again.end();
      expect(after.rows).toEqual(before.rows);
      expect(after.rows.every((r) => r.finished_at !== null)).toBe(true);
    } finally {
      const admin = new pg.Client({ connectionString: withDatabase(inject('databaseUrl'), 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
