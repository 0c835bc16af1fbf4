// A bench's own database on the server of `serverUrl`: created fresh and migrated before a
// run, dropped after it (a bench never touches the database it was pointed at).
import pg from 'pg';
import { migrate } from '../../connectors/db/migrate.js';
import { quoteIdent, withDatabase } from '../../connectors/db/database-url.js';

async function onAdmin(serverUrl: string, run: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}

/** Drops and creates database `name`, migrates it and resolves to its URL. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  await onAdmin(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  const url = withDatabase(serverUrl, name);
  await migrate(url);
  return url;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
