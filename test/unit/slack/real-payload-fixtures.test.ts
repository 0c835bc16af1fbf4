// Every real Slack event payload in test/fixtures/slack/real (slack-web's golden files, see
// SOURCES.md) through the transport's own translation, against expected.json: the
// InboundMessage essentials, or that it is ignored and why. users.info and files.info are
// answered by a double (what expected.json's "about" says).
import { describe, expect, it } from 'vitest';
import { translateMessageEvent, type SlackLookups, type SlackMessageEvent, type SlackFile } from '../../../bots/slack/slack-message.js';
import { expectMessageRow, loadPayloadFixtures, readPayload } from '../../support/payload-fixtures.js';

const { dir, rows, files } = loadPayloadFixtures('slack');
const realFile = readPayload<SlackFile>(dir, 'files-info/real.json');
const NAMES: Record<string, string> = { U043H11ES4V: 'jadel', U05JAA9EN4T: 'lev' };

function lookups(asked: string[]): SlackLookups {
  return {
    profile: async (id) => (NAMES[id] ? { displayName: NAMES[id], username: NAMES[id], isBot: false } : null),
    fileInfo: async (id) => {
      asked.push(id);
      return { ...realFile, id };
    },
  };
}

interface Envelope {
  event: SlackMessageEvent;
  event_id: string;
  team_id: string;
  authorizations?: Array<{ user_id: string }>;
}

describe('real Slack event payloads', () => {
  it('has an expected outcome for every fixture, and at least 25 of them', () => {
    expect(rows.map((r) => r.file).sort()).toEqual([...files].sort());
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rows.map((r) => [r.file, r] as const))('%s', async (_file, row) => {
    const body = readPayload<Envelope>(dir, row.file);
    const asked: string[] = [];
    const result = await translateMessageEvent(
      body.event,
      { eventId: body.event_id, teamId: body.team_id, botUserId: body.authorizations?.[0]?.user_id, workspaceId: 7 },
      lookups(asked),
    );
    if (row.ignored) {
      expect(result).toEqual({ ignored: row.ignored });
      return;
    }
    expect('message' in result, `${row.file} was ignored: ${'ignored' in result ? result.ignored : ''}`).toBe(true);
    if (!('message' in result)) return;
    expect(result.message).toMatchObject({ channel: 'slack', workspaceId: 7, dedupeKey: `slack:${body.event_id}` });
    expectMessageRow(row, result.message);
    // files.info is asked exactly for the files Slack lists as check_file_info
    const hidden = (body.event.files ?? []).filter((f) => f.file_access === 'check_file_info').map((f) => f.id);
    expect(asked).toEqual(hidden);
  });
});
