// `leadline ingest-email` and `leadline mailbox` as real processes.
import { describe, it, expect, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { testPrefix } from '../../support/redis-keys.js';
import { runLeadline } from '../../support/cli.js';

const db = testDb();
const prefix = testPrefix('email-cli');

const leadline = (args: string[], env: Record<string, string> = {}) =>
  runLeadline(args, { DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', ...env });

describe.concurrent('leadline ingest-email / mailbox', { timeout: 180_000 }, () => {
  it('--dry-run --json prints one object and needs no database', async () => {
    const noDb = { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' };
    const [r, missing] = await Promise.all([
      leadline(['ingest-email', 'test/fixtures/email/lead-ru-koi8r-qp.eml', '--dry-run', '--json'], noDb),
      leadline(['ingest-email', 'test/fixtures/email/nope.eml', '--dry-run'], noDb),
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      kind: 'lead',
      code: 'new-sender',
      reason: 'new message from ivan@romashka.ru (no thread, list or automatic-mail signals)',
      contact: { name: 'Иван Петров', email: 'ivan@romashka.ru', phone: '+74951234567', company: 'ООО "Ромашка"' },
      subject: 'Коммерческое предложение по CRM',
      text: 'Добрый день!\n\nИнтересует внедрение CRM для отдела продаж (8 менеджеров).\nПришлите, пожалуйста, коммерческое предложение.',
      threadKey: 'lead-ru-1@romashka.ru',
      bouncedRecipients: [],
      undeliverableRecipients: [],
      attachments: [],
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: cannot read test/fixtures/email/nope.eml: no such file');
  });

  it('ingests a bounce into a workspace: the address becomes undeliverable, once', async () => {
    const slug = uniqueSlug('mail');
    const ws = await db.workspace.create({ data: { name: slug, slug, timezone: 'UTC' } });
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Globex', nameKey: 'globex' } });
    await db.contactEmail.create({ data: { workspaceId: ws.id, contactId: contact.id, email: 'no.such.user@globex.com' } });
    const first = await leadline(['ingest-email', 'test/fixtures/email/bounce-dsn-en.eml', '--workspace', slug, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ kind: 'bounce', ingested: 'recorded (1 address(es) marked undeliverable)' });
    const row = await db.contactEmail.findFirstOrThrow({ where: { workspaceId: ws.id, email: 'no.such.user@globex.com' } });
    expect(row.undeliverable).toBe(true);
    expect(row.undeliverableReason).toMatch(/delivery-status/);
    const again = await leadline(['ingest-email', 'test/fixtures/email/bounce-dsn-en.eml', '--workspace', slug, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ ingested: 'already ingested' });
  });

  it('adds, lists and removes mailboxes without ever printing a password', async () => {
    const slug = uniqueSlug('mail');
    const badSlug = uniqueSlug('mail');
    const [bad, added] = await Promise.all([
      leadline(['mailbox', 'add', '--imap', 'http://x', '--smtp', 'smtp://u:p@h:25', '--from', 'a@b.example', '--workspace', badSlug]),
      leadline([
        'mailbox',
        'add',
        '--imap',
        'imaps://sales%40acme.example:imap-s3cret@mail.acme.example:993/Leads',
        '--smtp',
        'smtp://sales:smtp-s3cret@mail.acme.example:587',
        '--from',
        'Sales <sales@acme.example>',
        '--workspace',
        slug,
        '--json',
      ]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('error: the IMAP URL must start with imap:// or imaps://');
    expect(await db.workspace.findUnique({ where: { slug: badSlug } })).toBeNull();

    expect(added.code).toBe(0);
    const box = JSON.parse(added.stdout) as { id: number; imap: string; folder: string; smtp: string };
    expect(box).toMatchObject({
      imap: 'imaps://sales%40acme.example@mail.acme.example:993/Leads',
      smtp: 'smtp://sales@mail.acme.example:587',
      folder: 'Leads',
    });
    const [listed, listedJson] = await Promise.all([
      leadline(['mailbox', 'list', '--workspace', slug]),
      leadline(['mailbox', 'list', '--workspace', slug, '--json']),
    ]);
    expect(listed.stdout).toContain(`#${box.id} sales@acme.example <Sales <sales@acme.example>>`);
    expect(JSON.parse(listedJson.stdout)).toEqual([expect.objectContaining({ id: box.id, folder: 'Leads' })]);
    for (const out of [added.stdout, listed.stdout, listedJson.stdout]) {
      expect(out).not.toMatch(/s3cret/);
    }
    const stored = await db.mailbox.findUniqueOrThrow({ where: { id: box.id } });
    expect(stored.imapUrl).toContain('imap-s3cret');
    expect(stored.uidValidity).toBeNull();

    const removed = await leadline(['mailbox', 'remove', String(box.id), '--workspace', slug, '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ removed: box.id });
    expect(await db.mailbox.findUnique({ where: { id: box.id } })).toBeNull();
    const again = await leadline(['mailbox', 'remove', String(box.id), '--workspace', slug]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`error: mailbox #${box.id} not found in this workspace`);
  });
});
