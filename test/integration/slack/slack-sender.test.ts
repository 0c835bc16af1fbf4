// The Slack ChannelSender against the fake Web API: threading, blocks, uploads, error mapping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../support/fake-slack.js';
import { createSlackClient, SlackSender } from '../../../bots/slack/slack-sender.js';
import { PermanentSendError, RateLimitedError } from '../../../core/ports.js';

let fake: FakeSlack;
let sender: SlackSender;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  sender = new SlackSender(createSlackClient(fake.token, { apiUrl: fake.apiUrl }));
});
afterAll(async () => {
  await fake.close();
});

describe('SlackSender', () => {
  it('posts Block Kit with buttons and returns a channel:ts reference', async () => {
    const res = await sender.send({ channel: 'slack', chatId: 'D100', text: 'New lead <Acme>', buttons: [[{ label: 'Take', data: 'lead:take:7' }]] });
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.token).toBe(fake.token);
    expect(call.params.channel).toBe('D100');
    expect(call.params.thread_ts).toBeUndefined();
    expect(call.params.blocks).toEqual([
      expect.objectContaining({ type: 'section', text: expect.objectContaining({ text: 'New lead &lt;Acme&gt;' }) }),
      expect.objectContaining({ type: 'actions', elements: [expect.objectContaining({ action_id: 'lead:take:7', value: 'lead:take:7' })] }),
    ]);
    expect(res.externalMessageId).toMatch(/^D100:\d+\.\d+$/);
  });

  it('answers in the thread named by replyToExternalId', async () => {
    const res = await sender.send({ channel: 'slack', chatId: 'C200', text: 'Hello', replyToExternalId: 'C200:1700000000.000001:1700000005.000005' });
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.params.thread_ts).toBe('1700000000.000001');
    expect(res.externalMessageId).toMatch(/^C200:1700000000\.000001:\d+\.\d+$/);
  });

  it('threads under the ts carried in a customer chatId "<channel>:<ts>"', async () => {
    const res = await sender.send({ channel: 'slack', chatId: 'C400:1700000100.000100', text: 'Thanks, we got it' });
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.params.channel).toBe('C400');
    expect(call.params.thread_ts).toBe('1700000100.000100');
    expect(res.externalMessageId).toMatch(/^C400:1700000100\.000100:\d+\.\d+$/);
  });

  it('ignores a thread reference from another channel', async () => {
    await sender.send({ channel: 'slack', chatId: 'C300', text: 'x', replyToExternalId: 'C999:1700000000.000001' });
    expect(fake.callsTo('chat.postMessage').at(-1)!.params.thread_ts).toBeUndefined();
  });

  it('uploads an image through getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, ...new Array(500).fill(7)]);
    await sender.send({ channel: 'slack', chatId: 'D100', text: 'Digest', image: { png, filename: 'funnel.png', caption: 'Funnel' } });
    const url = fake.callsTo('files.getUploadURLExternal').at(-1)!;
    expect(url.params.filename).toBe('funnel.png');
    expect(Number(url.params.length)).toBe(png.length);
    const upload = fake.uploads.at(-1)!;
    expect(upload.bytes).toBeGreaterThanOrEqual(png.length);
    const complete = fake.callsTo('files.completeUploadExternal').at(-1)!;
    expect(complete.params.channel_id).toBe('D100');
    expect(complete.params.files).toEqual([expect.objectContaining({ id: upload.fileId })]);
  });

  it('turns 429 into RateLimitedError with Retry-After in ms', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
    const err = await sender.send({ channel: 'slack', chatId: 'C1', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3000);
  });

  it.each(['channel_not_found', 'not_in_channel', 'account_inactive', 'is_archived'])('turns %s into PermanentSendError', async (code) => {
    fake.failNext('chat.postMessage', { error: code });
    const err = await sender.send({ channel: 'slack', chatId: 'C1', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentSendError);
    expect((err as PermanentSendError).reason).toBe(code);
  });

  it('leaves other platform errors retryable', async () => {
    fake.failNext('chat.postMessage', { error: 'internal_error' });
    const err = await sender.send({ channel: 'slack', chatId: 'C1', text: 'x' }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect(String(err)).toMatch(/internal_error/);
  });
});
