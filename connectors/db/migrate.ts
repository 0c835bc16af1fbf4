// Applies prisma/migrations to a database with Prisma's own (WebAssembly) schema engine.
// The _prisma_migrations bookkeeping is Prisma's, so `prisma migrate deploy` agrees with it.
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openSchemaEngine } from './schema-engine.js';
import { databaseName, withDatabase, quoteIdent } from './database-url.js';

/** The checkout (the nearest folder with package.json): the same from the sources and from the build in dist/. */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
export const schemaPath = path.join(projectRoot, 'prisma', 'schema.prisma');

export async function loadMigrationList(dir = migrationsDir) {
  const entries = existsSync(dir) ? await readdir(dir, { withFileTypes: true }) : [];
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name, 'migration.sql');
    const content = existsSync(file) ? { tag: 'ok' as const, value: await readFile(file, 'utf8') } : { tag: 'error' as const, value: `missing ${file}` };
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } });
  }
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Creates the database named in the URL when it does not exist. Returns true if it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      // another process created it between our check and create
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await admin.end();
  }
}

export interface MigrateResult {
  created: boolean;
  applied: string[];
}

/** Creates the database if needed and applies pending migrations; a second run is a no-op. */
export async function migrate(url: string): Promise<MigrateResult> {
  const created = await ensureDatabase(url);
  const handle = await openSchemaEngine(url);
  try {
    const out = await handle.engine.applyMigrations({
      migrationsList: await loadMigrationList(),
      filters: { externalTables: [], externalEnums: [] },
    });
    return { created, applied: out.appliedMigrationNames };
  } finally {
    await handle.close();
  }
}
