// Every real Telegram update in test/fixtures/telegram/real (collected from other projects'
// public test suites, see SOURCES.md) through the transport's own translation, against
// expected.json: the InboundMessage essentials, or that it is ignored and why.
import { describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';
import { translateUpdate } from '../../../bots/telegram/telegram-update.js';
import { expectMessageRow, loadPayloadFixtures, readPayload } from '../../support/payload-fixtures.js';

const { dir, rows, files } = loadPayloadFixtures('telegram');

describe('real Telegram updates', () => {
  it('has an expected outcome for every fixture, and at least 30 of them', () => {
    expect(rows.map((r) => r.file).sort()).toEqual([...files].sort());
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows.map((r) => [r.file, r] as const))('%s', (_file, row) => {
    const result = translateUpdate(readPayload<Update>(dir, row.file), '123456', 7);
    if (row.ignored) {
      expect(result).toEqual({ ignored: row.ignored });
      return;
    }
    expect('message' in result, `${row.file} was ignored: ${'ignored' in result ? result.ignored : ''}`).toBe(true);
    if (!('message' in result)) return;
    expect(result.message).toMatchObject({ channel: 'telegram', workspaceId: 7, dedupeKey: expect.stringMatching(/^tg:123456:\d+$/) });
    expectMessageRow(row, result.message);
  });
});
