import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
                'pg',
                'node:http',
                'node:https',
              ],
              message: 'core must not import transports or vendor SDKs; use a port from core/ports.ts',
            },
            { group: ['**/bots/**', '**/connectors/**'], message: 'core must not import bots/ or connectors/' },
          ],
        },
      ],
    },
  },
);
