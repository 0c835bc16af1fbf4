// Spec tests, written here, for Slack shapes beside the real payloads: what happens when
// Slack will not describe a Slack Connect file, and how a mention of an unknown user reads.
import { describe, expect, it } from 'vitest';
import { translateMessageEvent, type SlackLookups } from '../../../bots/slack/slack-message.js';
import { SlackDirectory } from '../../../bots/slack/slack-directory.js';
import type { WebClient } from '../../../bots/slack/slack-sender.js';

const envelope = { eventId: 'Ev1', teamId: 'T1', botUserId: 'UBOT' };
const event = {
  type: 'message',
  subtype: 'file_share',
  channel: 'D1',
  channel_type: 'im',
  user: 'U1',
  ts: '1700000000.000100',
  text: 'from <@U404>: the contract',
  files: [{ id: 'F1', mode: 'file_access', file_access: 'check_file_info' }],
};

describe('Slack message translation (spec)', () => {
  it('a Slack Connect file Slack will not describe still arrives, by its id, and the failure is reported', async () => {
    const errors: unknown[] = [];
    const client = {
      files: { info: async () => Promise.reject(Object.assign(new Error('An API error occurred: file_not_found'), { data: { error: 'file_not_found' } })) },
      users: { info: async () => Promise.reject(Object.assign(new Error('user_not_found'), { data: { error: 'user_not_found' } })) },
    } as unknown as WebClient;
    const directory = new SlackDirectory(client, 60_000, (e) => errors.push(e));
    const result = await translateMessageEvent(event, envelope, directory as SlackLookups);
    expect(result).toMatchObject({ message: { text: 'from @U404: the contract', attachments: [{ kind: 'document', fileId: 'F1' }] } });
    expect((result as { message: { attachments: unknown[] } }).message.attachments).toEqual([{ kind: 'document', fileId: 'F1' }]);
    expect(errors).toHaveLength(1);
  });
});
