// Import: columns no field matches become custom fields (default), tags, or are dropped
// (--unknown-columns); a tags column always gives tags; rows merged into an existing contact add
// tags and fill only custom fields it lacks. Tags are searchable (searchContacts' tag filter).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import path from 'node:path';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { testDb } from '../../support/db.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { importContacts } from '../../../core/contacts/import/import-contacts.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { searchContacts } from '../../../core/contacts/search-contacts.js';
import { eraseContact } from '../../../core/contacts/erase-contact.js';
import { readTable } from '../../../connectors/import/read-table.js';
import { makeUser, makeWorkspace, actorOf } from './contacts-support.js';

const db = testDb();
const ctx = dbContext(db);
const run = promisify(execFile);
let dir: string;

const CSV = [
  'Name,Email,Tags,Segment,Source of lead,Company',
  'Ann Lee,ann@lee.test,"VIP, wholesale",Retail,Fair 2026,Lee LLC',
  'Bob Ray,bob@ray.test,,B2B,,',
  'Cid Moe,cid@moe.test,#vip,,Web site,',
].join('\n');

async function file(name: string, text: string) {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

async function byEmail(workspaceId: number) {
  const rows = await db.contact.findMany({ where: { workspaceId }, include: { emails: true }, orderBy: { id: 'asc' } });
  return Object.fromEntries(rows.map((c) => [c.emails[0]?.email ?? c.name, { tags: c.tags, fields: c.fields }]));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-tags-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('import: tags and custom fields', () => {
  it('default: unknown columns become custom fields named by their header; the tags column gives tags', async () => {
    const ws = await makeWorkspace(db);
    const report = await importContacts(ctx, systemActor(ws), (await readTable(await file('a.csv', CSV))).records);
    expect(report.created).toBe(3);
    expect(report.fieldColumns).toEqual(['Segment', 'Source of lead']);
    expect(report.ignoredColumns).toEqual([]);
    expect(await byEmail(ws.id)).toEqual({
      'ann@lee.test': { tags: ['vip', 'wholesale'], fields: { Segment: 'Retail', 'Source of lead': 'Fair 2026' } },
      'bob@ray.test': { tags: [], fields: { Segment: 'B2B' } },
      'cid@moe.test': { tags: ['vip'], fields: { 'Source of lead': 'Web site' } },
    });
    // searchable: every tag given must be on the contact
    const sys = { ...systemActor(ws), role: 'admin' as const };
    expect((await searchContacts(ctx, sys, '', 20, { tags: ['VIP'] })).map((c) => c.name)).toEqual(['Ann Lee', 'Cid Moe']);
    expect((await searchContacts(ctx, sys, '', 20, { tags: ['vip', '#Wholesale'] })).map((c) => c.name)).toEqual(['Ann Lee']);
    expect((await searchContacts(ctx, sys, 'cid', 20, { tags: ['vip'] })).map((c) => c.name)).toEqual(['Cid Moe']);
    expect(await searchContacts(ctx, sys, 'bob', 20, { tags: ['vip'] })).toEqual([]);
  });

  it('tags: the cells of unknown columns become tags; drop: they are left out and reported', async () => {
    const ws = await makeWorkspace(db);
    const report = await importContacts(ctx, systemActor(ws), (await readTable(await file('b.csv', CSV))).records, { unknownColumns: 'tags' });
    expect(report.tagColumns).toEqual(['Segment', 'Source of lead']);
    expect(await byEmail(ws.id)).toEqual({
      'ann@lee.test': { tags: ['vip', 'wholesale', 'retail', 'fair-2026'], fields: {} },
      'bob@ray.test': { tags: ['b2b'], fields: {} },
      'cid@moe.test': { tags: ['vip', 'web-site'], fields: {} },
    });
    const ws2 = await makeWorkspace(db);
    const dropped = await importContacts(ctx, systemActor(ws2), (await readTable(await file('c.csv', CSV))).records, { unknownColumns: 'drop' });
    expect(dropped.ignoredColumns).toEqual(['Segment', 'Source of lead']);
    expect(Object.values(await byEmail(ws2.id)).map((c) => c.fields)).toEqual([{}, {}, {}]);
    // the tags column is a known field: kept whatever the mode
    expect((await byEmail(ws2.id))['ann@lee.test']!.tags).toEqual(['vip', 'wholesale']);
  });

  it('a row merged into an existing contact adds tags and fills only the custom fields it lacks (keys match case-insensitively)', async () => {
    const ws = await makeWorkspace(db);
    const existing = await findOrCreateContact(ctx, systemActor(ws), { email: 'ann@lee.test', name: 'Ann' });
    await db.contact.update({ where: { id: existing.contact.id }, data: { tags: ['old'], fields: { segment: 'Wholesale' } } });
    const report = await importContacts(ctx, systemActor(ws), (await readTable(await file('d.csv', CSV))).records);
    expect({ created: report.created, updated: report.updated }).toEqual({ created: 2, updated: 1 });
    const ann = await db.contact.findUniqueOrThrow({ where: { id: existing.contact.id } });
    expect(ann.tags).toEqual(['old', 'vip', 'wholesale']);
    expect(ann.fields).toEqual({ segment: 'Wholesale', 'Source of lead': 'Fair 2026' });
    // the same file again changes nothing on her
    await importContacts(ctx, systemActor(ws), (await readTable(await file('e.csv', CSV))).records);
    const again = await db.contact.findUniqueOrThrow({ where: { id: existing.contact.id } });
    expect([again.tags, again.fields]).toEqual([ann.tags, ann.fields]);
  });

  it('the CLI takes --unknown-columns and refuses an unknown mode', { timeout: 120_000 }, async () => {
    const ws = await makeWorkspace(db);
    const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent', DEFAULT_WORKSPACE: ws.slug, DEFAULT_LOCALE: 'en' };
    const csv = await file('cli.csv', CSV);
    const { stdout } = await run('./bin/leadline.js', ['import', 'contacts', csv, '--unknown-columns', 'tags'], { env, timeout: 100_000 });
    expect(stdout).toContain('Columns kept as tags: Segment, Source of lead.');
    expect((await byEmail(ws.id))['bob@ray.test']!.tags).toEqual(['b2b']);
    const bad = await run('./bin/leadline.js', ['import', 'contacts', csv, '--unknown-columns', 'sideways'], { env, timeout: 100_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect('code' in bad && bad.code).not.toBe(0);
    expect((bad as { stderr: string }).stderr).toContain('Unknown --unknown-columns "sideways"');
  });

  it('a manager searching by tag sees only the contacts they may see', async () => {
    const ws = await makeWorkspace(db);
    const mgr = actorOf(await makeUser(db, ws.id, 'manager'));
    const other = await makeUser(db, ws.id, 'manager');
    await importContacts(ctx, systemActor(ws), (await readTable(await file('f.csv', CSV))).records);
    const cid = await db.contact.findFirstOrThrow({ where: { workspaceId: ws.id, name: 'Cid Moe' } });
    await db.contact.update({ where: { id: cid.id }, data: { ownerId: other.id } });
    expect((await searchContacts(ctx, mgr, '', 20, { tags: ['vip'] })).map((c) => c.name)).toEqual(['Ann Lee']);
  });

  it('erasing a contact clears its tags and custom fields', async () => {
    const ws = await makeWorkspace(db);
    await importContacts(ctx, systemActor(ws), (await readTable(await file('g.csv', CSV))).records);
    const ann = await db.contact.findFirstOrThrow({ where: { workspaceId: ws.id, name: 'Ann Lee' } });
    expect(ann.tags).toEqual(['vip', 'wholesale']);
    await eraseContact(ctx, systemActor(ws), ann.id);
    const erased = await db.contact.findUniqueOrThrow({ where: { id: ann.id } });
    expect([erased.tags, erased.fields, erased.erasedAt !== null]).toEqual([[], {}, true]);
  });
});
