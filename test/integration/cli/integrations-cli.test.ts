// `leadline form|apikey|webhook` as the issue states them: `form add --json` -> {"id","formKey"},
// `apikey create --json` -> {"id","key"} (shown once, stored hashed), `webhook add --json` ->
// {"id","secret"}; lists, revoke, remove and rotate. Secrets and keys are printed only when made:
// never by a list, never in the audit trail, and an API key is not stored in clear.
import { describe, it, expect, inject } from 'vitest';
import { createHash } from 'node:crypto';
import { testDb, uniqueSlug } from '../../support/db.js';
import { API_SCOPES } from '../../../core/api/api-keys.js';
import { runLeadline } from '../../support/cli.js';

const db = testDb();

const leadline = (...args: string[]) => runLeadline(args, { DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'debug' });

async function workspace() {
  const slug = uniqueSlug('integrations');
  const ws = await db.workspace.create({ data: { slug, name: slug, timezone: 'UTC', locale: 'en' } });
  return { slug, id: ws.id };
}

const auditText = async (workspaceId: number) => JSON.stringify(await db.auditLog.findMany({ where: { workspaceId } }));

describe('leadline form, apikey and webhook', { timeout: 240_000 }, () => {
  it('form add --json prints {"id","formKey"}; form list has it', async () => {
    const ws = await workspace();
    const added = await leadline('form', 'add', '--name', 'Site', '--json', '--workspace', ws.slug);
    expect(added.code, added.stderr).toBe(0);
    const made = JSON.parse(added.stdout) as { id: number; formKey: string };
    expect(Object.keys(made).sort()).toEqual(['formKey', 'id']);
    expect(made.formKey).toMatch(/^f_[A-Za-z0-9_-]{22}$/);
    const list = JSON.parse((await leadline('form', 'list', '--json', '--workspace', ws.slug)).stdout) as Array<{ id: number; name: string }>;
    expect(list).toEqual([expect.objectContaining({ id: made.id, name: 'Site', formKey: made.formKey })]);
  });

  it('apikey create --json prints {"id","key"} once; only its hash is stored; list never shows it; revoke', async () => {
    const ws = await workspace();
    const created = await leadline('apikey', 'create', '--name', 'Backend', '--scopes', 'leads:write,contacts:read', '--json', '--workspace', ws.slug);
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { id: number; key: string };
    expect(Object.keys(made).sort()).toEqual(['id', 'key']);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.keyHash).toBe(createHash('sha256').update(made.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(made.key);
    expect(row.scopes.sort()).toEqual(['contacts:read', 'leads:write']);
    const list = await leadline('apikey', 'list', '--json', '--workspace', ws.slug);
    expect(list.stdout).not.toContain(made.key);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: made.id, name: 'Backend' })]);
    expect(created.stderr + list.stderr).not.toContain(made.key);
    expect(await auditText(ws.id)).not.toContain(made.key);
    // without --scopes: every scope
    const all = JSON.parse((await leadline('apikey', 'create', '--name', 'Everything', '--json', '--workspace', ws.slug)).stdout) as { id: number };
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: all.id } })).scopes.sort()).toEqual([...API_SCOPES].sort());
    expect((await leadline('apikey', 'revoke', String(made.id), '--workspace', ws.slug)).code).toBe(0);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: made.id } })).revokedAt).not.toBeNull();
  });

  it('webhook add --json prints {"id","secret"}; list and the audit trail never show it; rotate prints a new one; remove', async () => {
    const ws = await workspace();
    const bad = await leadline('webhook', 'add', '--url', 'https://example.com/hook', '--events', 'lead.created,deal.closed', '--workspace', ws.slug);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('deal.closed');
    expect(await db.webhookEndpoint.count({ where: { workspaceId: ws.id } })).toBe(0);

    const added = await leadline(
      'webhook',
      'add',
      '--url',
      'https://example.com/hook',
      '--events',
      'lead.created,deal.stage_changed',
      '--json',
      '--workspace',
      ws.slug,
    );
    expect(added.code, added.stderr).toBe(0);
    const made = JSON.parse(added.stdout) as { id: number; secret: string };
    expect(Object.keys(made).sort()).toEqual(['id', 'secret']);
    expect(made.secret).toMatch(/^whsec_/);
    const list = await leadline('webhook', 'list', '--json', '--workspace', ws.slug);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: made.id, url: 'https://example.com/hook', events: ['lead.created', 'deal.stage_changed'], active: true }),
    ]);
    expect(list.stdout).not.toContain(made.secret);
    expect(JSON.parse((await leadline('webhook', 'deliveries', String(made.id), '--json', '--workspace', ws.slug)).stdout)).toEqual([]);

    const rotated = await leadline('webhook', 'rotate', String(made.id), '--json', '--workspace', ws.slug);
    const fresh = (JSON.parse(rotated.stdout) as { secret: string }).secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(made.secret);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: made.id } })).secret).toBe(fresh);
    const again = await leadline('webhook', 'list', '--workspace', ws.slug);
    for (const text of [again.stdout, again.stderr, added.stderr, rotated.stderr, await auditText(ws.id)]) {
      expect(text).not.toContain(made.secret);
      expect(text).not.toContain(fresh);
    }
    expect((await leadline('webhook', 'remove', String(made.id), '--workspace', ws.slug)).code).toBe(0);
    expect(await db.webhookEndpoint.count({ where: { workspaceId: ws.id } })).toBe(0);
  });
});
