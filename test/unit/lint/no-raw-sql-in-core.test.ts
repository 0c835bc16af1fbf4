// eslint.config.js keeps SQL out of core/: statements live in connectors/db/stores behind the
// ports of core/stores.ts. Each shape of raw SQL fails lint in core/ and passes in a store.
import { describe, it, expect, beforeAll } from 'vitest';
import { ESLint } from 'eslint';

const RULE = 'no-restricted-syntax';
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function problems(code: string, filePath: string): Promise<Array<{ ruleId: string | null; line: number; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message }));
}

const sqlLines = async (code: string, filePath = 'core/leads/example.ts') => [
  ...new Set((await problems(code, filePath)).filter((p) => p.ruleId === RULE && /no raw SQL/.test(p.message)).map((p) => p.line)),
];

describe('lint: no raw SQL in core/', () => {
  const raw = [
    "import { Prisma } from '../../prisma/generated/client.js';",
    "import type { DbOrTx } from '../db.js';",
    'export async function f(db: DbOrTx, id: number) {',
    '  await db.$queryRaw`SELECT 1`;', // 4: tagged $queryRaw
    "  await db.$executeRawUnsafe('VACUUM');", // 5: the unsafe twins
    '  const part = Prisma.sql`x = ${id}`;', // 6: Prisma's SQL builders
    '  const text = \'SELECT id FROM "Task"\';', // 7: a statement in a string
    '  const more = `', // 8: ... or in a template
    '    UPDATE "User" SET "onDuty" = false WHERE id = ${id}`;',
    "  const lock = 'SELECT pg_advisory_xact_lock(1, 2)';", // 10
    "  const prose = 'Update the deal, then select a stage from the list';", // 11: words are not SQL
    '  return [part, text, more, lock, prose];',
    '}',
  ].join('\n');

  it('fails each shape of raw SQL in core/, and leaves prose alone', async () => {
    expect(await sqlLines(raw)).toEqual([4, 5, 6, 7, 8, 10]);
  });

  it('lets a store under connectors/db hold the same statements', async () => {
    const inStore = raw.replace("'../../prisma/generated/client.js'", "'../../../prisma/generated/client.js'").replace("'../db.js'", "'../../../core/db.js'");
    expect(await sqlLines(inStore, 'connectors/db/stores/example.ts')).toEqual([]);
  });

  it('keeps the { err } rule in core/ beside it', async () => {
    const found = await problems('export const f = (log: { warn(o: object): void }, e: Error) => log.warn({ err: e.message });\n', 'core/leads/example.ts');
    expect(found.some((p) => p.ruleId === RULE && /log the error itself/.test(p.message))).toBe(true);
  });
});
