// Runs once before the suite: checks that Postgres and Redis are reachable (with the same
// clear line the app prints), creates a fresh test database and migrates it, and tags the
// run's Redis keys (testPrefix in redis-keys.ts). Afterwards it drops the database and reports
// (and deletes) any Redis key the run left behind.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { checkPostgres, checkRedis } from '../../connectors/services.js';
import { migrate } from '../../connectors/db/migrate.js';
import { withDatabase, quoteIdent } from '../../connectors/db/database-url.js';
import { deleteKeys, describeKeys, scanKeys } from './redis-keys.js';

const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** the tag every Redis prefix of this run starts with */
    redisRun: string;
  }
}

async function dropDatabase(url: string, name: string) {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  await admin.end();
}

export default async function setup(project: TestProject) {
  await checkPostgres(base);
  await checkRedis(redisUrl);
  const name = `leadline_test_${process.pid}`;
  const url = withDatabase(base, name);
  await dropDatabase(base, name);
  await migrate(url);
  const redisRun = `t${process.pid}`;
  // a process a test starts without a prefix of its own (a CLI command) writes under the run's tag too
  process.env.QUEUE_PREFIX = `${redisRun}-default`;
  project.provide('databaseUrl', url);
  project.provide('redisUrl', redisUrl);
  project.provide('redisRun', redisRun);
  return async () => {
    if (!process.env.KEEP_TEST_DB) await dropDatabase(base, name);
    // every test file deletes its keys when it ends: anything here was written after that
    const left = await scanKeys(redisUrl, [`${redisRun}-*`]);
    if (left.length > 0) {
      console.warn(`Redis: the tests left ${describeKeys(left)} (deleted now; a worker or queue outlived its test file)`);
      await deleteKeys(redisUrl, [`${redisRun}-*`]);
    }
  };
}
