import { describe, it, expect, inject, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { testDb, uniqueSlug } from '../../support/db.js';
import type { ImportReport } from '../../../core/contacts/import/import-report.js';

const run = promisify(execFile);
const db = testDb();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-import-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return run('./bin/leadline.js', args, {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'en' },
    timeout: 180_000,
  });
}

describe('leadline import contacts (streamed)', { timeout: 300_000 }, () => {
  it('imports a file larger than one read chunk with progress on stderr, merging duplicates across chunks', async () => {
    const slug = uniqueSlug('import');
    const rows = ['Имя;Почта;Телефон;Компания'];
    for (let n = 1; n <= 12_000; n++) {
      // every 10th row repeats an earlier person by phone in another notation (from 5,000 rows back: another chunk)
      if (n % 10 === 0) {
        const digits = String(1_000_000 + (n > 5_001 ? n - 5_001 : n - 1));
        rows.push(`Повтор ${n};;8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)};`);
      } else rows.push(`Иван ${n};ivan${n}@example.test;+7 916 ${1_000_000 + n};ООО «Ромашка ${n % 7}»`);
    }
    rows.push('"Сломанная строка;broken@example.test;;');
    const file = path.join(dir, 'contacts.csv');
    await writeFile(file, rows.join('\r\n') + '\r\n');

    const { stdout, stderr } = await cli(['import', 'contacts', file, '--workspace', slug, '--json', '--progress']);
    const report = JSON.parse(stdout) as ImportReport;
    expect(report.rows).toBe(12_001);
    expect(report.updated).toBe(1_200);
    expect(report.created).toBe(10_800);
    expect(report.skippedRows.map((s) => [s.line, s.code])).toEqual([[12_002, 'unreadable']]);
    expect(stderr).toMatch(/Importing \|.*\| 100% \(12001 rows\)/);

    const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(10_800);
    const repeated = await db.contactPhone.findFirstOrThrow({ where: { workspaceId: ws.id, phone: '+79161004999' }, include: { contact: true } });
    expect(repeated.contact.name).toBe('Иван 4999');
    expect(await db.company.count({ where: { workspaceId: ws.id } })).toBe(7);
  });
});
