import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// errors are logged whole ({ err }: pino keeps the type, the stack and the cause), never as err.message
const errMessage = {
  selector: "Property[key.name='err'] > MemberExpression[property.name='message']",
  message: 'log the error itself ({ err }), not its message: pino keeps the stack',
};

// core holds no SQL: a statement belongs to a store in connectors/db/stores behind a port
// declared in core (core/stores.ts, CoreContext.stores), with named parameters
const sqlMessage = 'no raw SQL in core/: put the statement in a store under connectors/db/stores behind a port (core/stores.ts) and call it through ctx.stores';
/** A line that starts an SQL statement, or SQL-only phrases (uppercase, as the code base writes SQL). */
const SQL_TEXT = String.raw`/(^|\n)\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s|\b(INSERT INTO|DELETE FROM|ON CONFLICT|FOR UPDATE|FOR NO KEY UPDATE|SKIP LOCKED|RETURNING \*)\b|\bpg_[a-z_]+\(/`;
const rawSql = [
  { selector: 'MemberExpression[property.name=/^\\$(query|execute)Raw/]', message: sqlMessage },
  { selector: "MemberExpression[object.name='Prisma'][property.name=/^(sql|raw|join|empty)$/]", message: sqlMessage },
  { selector: 'TaggedTemplateExpression[tag.name=/^sql$/i]', message: sqlMessage },
  { selector: 'TaggedTemplateExpression[tag.property.name=/^sql$/i]', message: sqlMessage },
  { selector: `Literal[value=${SQL_TEXT}]`, message: sqlMessage },
  { selector: `TemplateElement[value.raw=${SQL_TEXT}]`, message: sqlMessage },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'prisma/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // core is transport- and vendor-agnostic (DESIGN.md: layout and who may import whom)
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'grammy',
                'grammy/*',
                '@grammyjs/*',
                '@slack/*',
                'imapflow',
                'mailparser',
                'nodemailer',
                'bullmq',
                'ioredis',
                'openai',
                '@aws-sdk/*',
                'pg',
                'node:http',
                'node:https',
              ],
              message: 'core must not import transports or vendor SDKs; use a port from core/ports.ts',
            },
            { group: ['**/bots/**', '**/connectors/**'], message: 'core must not import bots/ or connectors/' },
            { group: ['postgres', 'knex', 'kysely', 'sql-template-tag', '@prisma/client/runtime/*'], message: sqlMessage },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts', 'connectors/**/*.ts', 'bots/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', errMessage] },
  },
  {
    // core: the same, and no raw SQL (the rule's options replace the block's above for core/)
    files: ['core/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', errMessage, ...rawSql] },
  },
  {
    // no import cycles anywhere: a module that needs its caller takes it as a dependency
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // transports only translate: no database client, Prisma or SQL under bots/, except the
    // composition root (main.ts, chat-runtime.ts) and the command line (cli/, console/)
    files: ['bots/**/*.ts'],
    ignores: ['bots/main.ts', 'bots/chat-runtime.ts', 'bots/cli/**', 'bots/console/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/db.js', '**/connectors/db/**', '**/prisma/generated/**', '@prisma/*', 'pg'],
              message: 'bots/ translates platform events and renders replies; database access belongs to core use cases (passed in by the composition root)',
            },
          ],
        },
      ],
    },
  },
);
