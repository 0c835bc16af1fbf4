import { parseIntent } from '../core/chat/parse/parser.js';
const now = new Date('2026-03-10T09:00:00Z');
for (const t of process.argv.slice(2)) console.log(t, '=>', JSON.stringify(parseIntent(t, { now, timezone: 'Europe/Moscow', locale: /[а-я]/i.test(t) ? 'ru' : 'en' })));
