import { describe, it, expect, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { runLeadline } from '../../support/cli.js';

const db = testDb();

const leadline = (...args: string[]) => runLeadline(args, { DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent' });

describe('leadline user add / users', { timeout: 180_000 }, () => {
  it('refuses an unknown role with one clear line, non-zero exit and no writes at all', async () => {
    const slug = uniqueSlug('cli');
    const r = await leadline('user', 'add', '--name', 'Anna', '--role', 'boss', '--workspace', slug);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('error: Unknown role "boss". Use manager, head or admin.');
    expect(r.stdout).toBe('');
    expect(await db.workspace.findUnique({ where: { slug } })).toBeNull();
    expect(await db.user.count({ where: { name: 'Anna', workspace: { slug } } })).toBe(0);
  });

  it('a misspelled --workspace on a listing is an error naming the workspaces, and creates nothing (issue 20.7)', async () => {
    const slug = uniqueSlug('nosuch');
    const known = uniqueSlug('known');
    await db.workspace.create({ data: { slug: known, name: known, timezone: 'UTC', locale: 'en' } });
    const r = await leadline('users', '--workspace', slug);
    expect(r.code).toBe(1);
    const said = r.stderr
      .trim()
      .match(new RegExp(`^error: no workspace "${slug}" \\(workspaces: ([^)]+)\\); "leadline user add --workspace ${slug}" creates it$`));
    expect(said, r.stderr).not.toBeNull();
    // it names workspaces that exist (the most recent ones: tests running beside this one add theirs)
    const named = said![1]!.split(', ');
    expect(named.length).toBeGreaterThan(0);
    expect(await db.workspace.count({ where: { slug: { in: named } } })).toBe(named.length);
    expect(r.stdout).toBe('');
    expect(await db.workspace.findUnique({ where: { slug } })).toBeNull();
  });

  it('adds a user, prints the id and invite code as JSON, and lists the user', async () => {
    const slug = uniqueSlug('cli');
    const added = await leadline(
      'user',
      'add',
      '--name',
      'Boris Head',
      '--role',
      'head',
      '--timezone',
      'Europe/Moscow',
      '--locale',
      'ru',
      '--workspace',
      slug,
      '--json',
    );
    expect(added.code).toBe(0);
    const out = JSON.parse(added.stdout) as { id: number; inviteCode: string };
    expect(out.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    const user = await db.user.findUniqueOrThrow({ where: { id: out.id }, include: { workspace: true, inviteCodes: true } });
    expect(user).toMatchObject({ name: 'Boris Head', role: 'head', timezone: 'Europe/Moscow', locale: 'ru' });
    expect(user.workspace.slug).toBe(slug);
    expect(user.inviteCodes).toHaveLength(1);

    const listed = await leadline('users', '--workspace', slug, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: out.id, name: 'Boris Head', role: 'head', onDuty: true, linked: [] })]);
  });
});

describe('leadline user deactivate', { timeout: 180_000 }, () => {
  it('hands every open lead, deal and task to --handover-to and deactivates (the same use case as /team); a dry run changes nothing', async () => {
    const slug = uniqueSlug('cli');
    const ws = await db.workspace.create({ data: { slug, name: slug, timezone: 'UTC', locale: 'en' } });
    const pipeline = await db.pipeline.create({
      data: { workspaceId: ws.id, name: 'Sales', stages: { create: [{ name: 'New', position: 0 }] } },
      include: { stages: true },
    });
    const leaver = await db.user.create({ data: { workspaceId: ws.id, name: 'Lena Leaver', role: 'manager' } });
    const taker = await db.user.create({ data: { workspaceId: ws.id, name: 'Tom Taker', role: 'manager' } });
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Ivan', nameKey: 'ivan' } });
    const lead = await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, source: 'web', title: 'Ivan', assigneeId: leaver.id } });
    const deal = await db.deal.create({
      data: {
        workspaceId: ws.id,
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        title: 'Ivan deal',
        titleKey: 'ivan deal',
        ownerId: leaver.id,
        leadId: lead.id,
      },
    });
    const task = await db.task.create({
      data: { workspaceId: ws.id, title: 'Call Ivan', dueAt: new Date(Date.now() + 86_400_000), assigneeId: leaver.id, dealId: deal.id },
    });

    const dry = await leadline('user', 'deactivate', String(leaver.id), '--handover-to', String(taker.id), '--dry-run', '--workspace', slug, '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { applied: boolean; plan: { leads: Array<{ id: number; to: number }>; deals: unknown[]; tasks: unknown[] } };
    expect(plan.applied).toBe(false);
    expect(plan.plan.leads).toEqual([{ id: lead.id, name: 'Ivan', to: taker.id }]);
    expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).active).toBe(true);

    const r = await leadline('user', 'deactivate', String(leaver.id), '--handover-to', String(taker.id), '--workspace', slug);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Lena Leaver is deactivated. Handed over: leads 1, deals 1, tasks 1');
    expect(r.stdout).toContain(`#${lead.id} Ivan → Tom Taker`);
    expect(await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).toMatchObject({ active: false, onDuty: false });
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(taker.id);
    expect((await db.deal.findUniqueOrThrow({ where: { id: deal.id } })).ownerId).toBe(taker.id);
    expect((await db.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(taker.id);
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, action: 'user.deactivate', actorKind: 'cli' } })).toBe(1);

    // a second run is refused with one clear line
    const again = await leadline('user', 'deactivate', String(leaver.id), '--workspace', slug);
    expect(again.code).not.toBe(0);
    expect(again.stderr.trim()).toBe('error: Lena Leaver is already deactivated.');
  });
});
