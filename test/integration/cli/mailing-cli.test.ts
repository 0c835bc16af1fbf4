// `leadline mailing list|report` on the real database through the real command: a workspace's
// mailings newest first with their recipients, and one mailing's report (sent per channel from
// the delivery ledger, every recipient not sent with its reason); another workspace's mailing
// is not found, and a bad id is refused with exit code 2.
import { describe, it, expect, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { recipientKey } from '../../../core/mailings/run-mailing.js';
import { runLeadline } from '../../support/cli.js';

const db = testDb();

const leadline = (...args: string[]) => runLeadline(args, { DATABASE_URL: inject('databaseUrl') });

describe('leadline mailing', { timeout: 240_000 }, () => {
  it('lists the mailings and reports on one: sent per channel, the rest with their reasons', async () => {
    const slug = uniqueSlug('mailing-cli');
    const ws = await db.workspace.create({ data: { slug, name: slug, timezone: 'UTC', locale: 'en' } });
    const head = await db.user.create({ data: { workspaceId: ws.id, name: 'Helen', role: 'head' } });
    const contacts = await Promise.all(
      ['Ann', 'Bob', 'Cid'].map((name) => db.contact.create({ data: { workspaceId: ws.id, name, nameKey: name.toLowerCase() } })),
    );
    const old = await db.mailing.create({ data: { workspaceId: ws.id, text: 'Old news', createdById: head.id, status: 'cancelled' } });
    const sent = await db.mailing.create({
      data: {
        workspaceId: ws.id,
        text: 'Spring sale: -20% on chairs\nUntil Friday.',
        subject: 'Spring',
        createdById: head.id,
        status: 'done',
        startedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    // Ann got it on Telegram, Bob opted out before it was sent, Cid's send was refused (blocked)
    await db.mailingRecipient.createMany({
      data: [
        { mailingId: sent.id, contactId: contacts[0]!.id, channel: 'telegram', status: 'queued' },
        { mailingId: sent.id, contactId: contacts[1]!.id, status: 'skipped', reason: 'opted_out' },
        { mailingId: sent.id, contactId: contacts[2]!.id, channel: 'telegram', status: 'queued' },
      ],
    });
    await db.outboundDelivery.createMany({
      data: [
        { dedupeKey: recipientKey(sent.id, contacts[0]!.id), workspaceId: ws.id, status: 'sent', attempts: 1 },
        { dedupeKey: recipientKey(sent.id, contacts[2]!.id), workspaceId: ws.id, status: 'failed', attempts: 1, error: 'unreachable: blocked' },
      ],
    });

    const list = await leadline('mailing', 'list', '--workspace', slug);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^#${sent.id} done, 3 recipient\\(s\\), finished .*: Spring — Spring sale: -20% on chairs$`));
    expect(lines[1]).toMatch(new RegExp(`^#${old.id} cancelled, 0 recipient\\(s\\), created .*: Old news$`));
    const json = JSON.parse((await leadline('mailing', 'list', '--json', '--limit', '1', '--workspace', slug)).stdout) as Array<{ id: number }>;
    expect(json.map((m) => m.id)).toEqual([sent.id]);

    const report = await leadline('mailing', 'report', String(sent.id), '--workspace', slug);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('sent 1 (telegram 1, slack 0, email 0)');
    expect(report.stdout).toMatch(/not sent 2: (opted_out 1, blocked 1|blocked 1, opted_out 1)/);
    const reportJson = JSON.parse((await leadline('mailing', 'report', String(sent.id), '--json', '--workspace', slug)).stdout) as {
      mailing: { id: number; status: string };
      report: { counts: Record<string, number>; reasons: Record<string, number> };
    };
    expect(reportJson.mailing).toMatchObject({ id: sent.id, status: 'done' });
    expect(reportJson.report.counts).toEqual({ sent: 1, skipped: 1, failed: 1 });
    expect(reportJson.report.reasons).toEqual({ opted_out: 1, blocked: 1 });

    // another workspace's mailing is not there; a bad id is refused before any work
    const otherSlug = uniqueSlug('mailing-cli-other');
    await db.workspace.create({ data: { slug: otherSlug, name: otherSlug, timezone: 'UTC', locale: 'en' } });
    const elsewhere = await leadline('mailing', 'report', String(sent.id), '--workspace', otherSlug);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain(`mailing #${sent.id}`);
    const bad = await leadline('mailing', 'report', 'abc', '--workspace', slug);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mailing id must be a positive whole number');
  });
});
