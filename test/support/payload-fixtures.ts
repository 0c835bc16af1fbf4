// The real-payload fixture suites of test/fixtures/{telegram,slack}/real: reading the files and
// their expected.json, and checking one translated message against its row, the same way for
// both channels (fields compared exactly; a field the row does not list must be absent).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parseInboundMessage, type InboundMessageInput } from '../../core/chat/inbound.js';
import { inboundText, previewBody } from '../../core/chat/notify.js';

export interface PayloadRow {
  file: string;
  ignored?: string;
  message?: Record<string, unknown>;
  shown?: string[];
}

/** The InboundMessage fields a row states (anything else, e.g. receive time and dedupe key, is checked by shape only). */
export const ROW_FIELDS = [
  'externalUserId',
  'externalChatId',
  'text',
  'attachments',
  'displayName',
  'sender',
  'sharedContact',
  'location',
  'forwardedFrom',
  'links',
  'editOf',
  'chatEvent',
  'isGroup',
  'messageExternalId',
  'replyToExternalId',
] as const;

export function loadPayloadFixtures(channel: 'telegram' | 'slack'): { dir: string; rows: PayloadRow[]; files: string[] } {
  const dir = path.resolve(import.meta.dirname, `../fixtures/${channel}/real`);
  const rows = (JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { fixtures: PayloadRow[] }).fixtures;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json');
  return { dir, rows, files };
}

export function readPayload<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;
}

/** The translated message matches its row, is accepted by the inbound schema, and shows the manager what the row says. */
export function expectMessageRow(row: PayloadRow, message: InboundMessageInput): void {
  const expected = row.message!;
  const actual = message as unknown as Record<string, unknown>;
  for (const field of ROW_FIELDS) {
    const want = field === 'attachments' ? (expected.attachments ?? []) : expected[field];
    expect(actual[field], `${row.file}: ${field}`).toEqual(want);
  }
  const parsed = parseInboundMessage(message, new Date());
  const shown = previewBody('en', inboundText('en', parsed), parsed.attachments);
  for (const line of row.shown ?? []) expect(shown, `${row.file}: what the manager reads`).toContain(line);
}
