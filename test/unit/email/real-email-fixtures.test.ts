// Every real email in test/fixtures/email/real (collected from other projects' public test suites
// and public list archives, see SOURCES.md) through parse -> understand, against expected.json:
// its kind and reason class, the cleaned text, the contact, and which addresses it may mark dead.
// Beside the per-file rows: no automatic mail, bounce or report becomes a lead, and no delay,
// success report or challenge marks an address undeliverable.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { understandEmail, type InboundEmail } from '../../../core/email/understand-email.js';
import type { EmailKind, EmailReasonCode } from '../../../core/email/types.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/email/real');
const limits = { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 };

interface Row {
  file: string;
  kind: EmailKind;
  reason: EmailReasonCode;
  thread?: 'known';
  undeliverable?: string[];
  bounced?: string[];
  text?: string;
  textStartsWith?: string;
  textContains?: string[];
  textNotContains?: string[];
  subject?: string;
  contact?: Partial<Record<'name' | 'email' | 'phone' | 'company', string | null>>;
}

const manifest = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { fixtures: Row[] };
const rows = manifest.fixtures;

async function understand(row: Row): Promise<InboundEmail> {
  const parsed = await parseEmail(readFileSync(path.join(dir, row.file)), limits);
  const known = row.thread === 'known';
  return understandEmail(parsed, {
    ownAddresses: ['sales@leadline.test'],
    knownThread: () => known,
    knownContactSubject: () => known,
    phoneRegion: 'RU',
  });
}

const NOT_LEADS: ReadonlySet<EmailKind> = new Set(['auto_reply', 'bounce', 'dsn_delay', 'dsn_success', 'challenge', 'list', 'own']);

describe('real-world email fixtures', () => {
  it('has one manifest row per fixture file, and a source line for each', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
    expect(rows.map((r) => r.file).sort()).toEqual(files);
    const sources = readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
    for (const f of files) expect(sources, f).toContain(`| ${f} |`);
  });

  for (const row of rows) {
    it(`${row.file} is ${row.kind} (${row.reason})`, async () => {
      const r = await understand(row);
      expect(r.kind, r.reason).toBe(row.kind);
      expect(r.code, r.reason).toBe(row.reason);
      expect(r.undeliverableRecipients).toEqual(row.undeliverable ?? []);
      if (row.bounced) expect(r.bouncedRecipients).toEqual(row.bounced);
      if (row.text !== undefined) expect(r.text).toBe(row.text);
      if (row.textStartsWith !== undefined) expect(r.text.startsWith(row.textStartsWith), r.text.slice(0, 200)).toBe(true);
      for (const s of row.textContains ?? []) expect(r.text).toContain(s);
      for (const s of row.textNotContains ?? []) expect(r.text).not.toContain(s);
      if (row.subject !== undefined) expect(r.subject).toBe(row.subject);
      for (const [k, v] of Object.entries(row.contact ?? {})) expect(r.contact[k as keyof typeof r.contact], k).toBe(v);
      expect(r.reachesLeadFlow).toBe(!NOT_LEADS.has(row.kind));
    });
  }

  it('lets no automatic mail, bounce or report through to the lead flow, and marks nothing dead but permanent failures', async () => {
    const leaks: string[] = [];
    const marks: string[] = [];
    const kinds = new Map<string, number>();
    for (const row of rows) {
      const r = await understand(row);
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      if (NOT_LEADS.has(row.kind) && r.reachesLeadFlow) leaks.push(`${row.file}: ${r.kind}`);
      if (r.kind !== 'bounce' && r.undeliverableRecipients.length) marks.push(`${row.file}: ${r.kind} marks ${r.undeliverableRecipients.join(', ')}`);
    }
    console.info(`real email fixtures: ${rows.length} files; ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(leaks).toEqual([]);
    expect(marks).toEqual([]);
  });
});
