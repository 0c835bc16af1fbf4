// Companies are found by domain, then by (lower-cased) name; created when neither matches.
// Safe under concurrency: the insert skips on the (workspace, nameKey) unique key and re-reads.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { invalid } from '../errors.js';
import { recordChange } from '../audit.js';

export interface CompanyInput {
  name?: string | null;
  domain?: string | null;
}

export function companyKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function normalizeDomain(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const d = raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .split(/[/?#]/)[0];
  return d && /^[a-z0-9.-]+\.[a-z0-9-]{2,}$/.test(d) ? d : null;
}

export async function findOrCreateCompany(ctx: CoreContext, actor: Actor, input: CompanyInput) {
  const domain = normalizeDomain(input.domain);
  const name = (input.name ?? '').trim().replace(/\s+/g, ' ') || domain;
  if (!name) throw invalid('invalid.empty', { field: 'company' });
  const workspaceId = actor.workspaceId;
  if (domain) {
    const byDomain = await ctx.db.company.findFirst({ where: { workspaceId, domain }, orderBy: { id: 'asc' } });
    if (byDomain) return { company: byDomain, created: false };
  }
  const nameKey = companyKey(name);
  const byName = await ctx.db.company.findUnique({ where: { workspaceId_nameKey: { workspaceId, nameKey } } });
  if (byName) {
    if (domain && !byName.domain) {
      return { company: await ctx.db.company.update({ where: { id: byName.id }, data: { domain } }), created: false };
    }
    return { company: byName, created: false };
  }
  const inserted = await ctx.db.company.createMany({ data: [{ workspaceId, name, nameKey, domain }], skipDuplicates: true });
  const company = await ctx.db.company.findUniqueOrThrow({ where: { workspaceId_nameKey: { workspaceId, nameKey } } });
  if (inserted.count === 1) {
    await recordChange(
      ctx.db,
      actor,
      { type: 'company.created', data: { companyId: company.id } },
      { action: 'company.create', entity: 'company', entityId: company.id, after: company },
    );
  }
  return { company, created: inserted.count === 1 };
}
