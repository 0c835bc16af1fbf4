// A mailing to a segment across Telegram, Slack and email, driven from a head's Telegram chat
// (/segment, /mailing, the audience and Send buttons) through the production pipeline: inbound
// queue and chat worker, the mailings job, the outbound queue's bulk lane with the shared
// clocks, and fakes that enforce the platform limits (limited-bot-api.ts: 30/s per bot and 1/s
// per chat, 429 beyond; fake-slack.ts: 1/s per channel, 429 beyond; an SMTP sink).
// It proves: every reachable contact of the segment gets exactly one message, at the limits
// with 0 x 429; opted-out contacts and contacts who blocked the bot (marked before, or a 403
// during the mailing) are skipped and reported; the head's one progress message is edited and
// the final report counts it all; a reminder due during the mailing reaches its manager within
// 2 s of its time; "stop" from a customer opts them out; the email carries the RFC 8058
// one-click List-Unsubscribe. 2,000 recipients at the limits are `npm run bench:mailing`'s.
import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Update } from 'grammy/types';
import { chatBase, type ChatStack } from '../../support/chat-stack.js';
import { LimitedBotApi } from '../../support/limited-bot-api.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { startSmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../../bots/telegram/telegram-sender.js';
import { TelegramIntake } from '../../../bots/telegram/telegram-intake.js';
import { SlackSender, createSlackClient } from '../../../bots/slack/slack-sender.js';
import { SmtpEmailSender } from '../../../connectors/email/smtp-sender.js';
import { readUnsubscribeToken, unsubscribeByToken } from '../../../core/mailings/opt-out.js';

const TG = Number(process.env.MAILING_TEST_TELEGRAM ?? 150);
const SLACK = 12;
const EMAIL = 12;
const SECRET = 'mailing-test-secret-0123456789';

let stack: ChatStack | undefined;
afterAll(async () => {
  await stack?.close();
});

let seq = Math.floor(Math.random() * 1e6) * 1000;
function text(from: number, body: string): Update {
  const id = ++seq;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from, type: 'private', first_name: 'Head' },
      from: { id: from, is_bot: false, first_name: 'Head', language_code: 'en' },
      text: body,
    },
  } as unknown as Update;
}
function press(from: number, data: string, messageId: number): Update {
  const id = ++seq;
  return {
    update_id: id,
    callback_query: {
      id: String(id),
      from: { id: from, is_bot: false, first_name: 'Head', language_code: 'en' },
      chat_instance: '1',
      data,
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: from, type: 'private' }, text: '' },
    },
  } as unknown as Update;
}

describe('mailing to a segment at the platform limits', () => {
  it('sends once to every reachable contact with 0 x 429, skips opted-out and blocked, reports, and lets a reminder through on time', async () => {
    const base = await chatBase({ slug: 'mailing' });
    const { db, ws } = base;
    const api = await new LimitedBotApi().start();
    base.onClose(() => api.close());
    const slack = await new FakeSlack({ postMessagePerChannelMs: 1000 }).start();
    base.onClose(() => slack.close());
    const smtp = await startSmtpSink();
    base.onClose(() => smtp.close());
    const token = `${Math.floor(Math.random() * 1e9) + 1000}:MAIL${randomUUID().replace(/-/g, '')}`;
    const tg = createTelegramApi({ token, apiRoot: api.apiRoot });
    const email = new SmtpEmailSender(db);
    stack = await base.run({
      senders: { telegram: new TelegramSender(tg), slack: new SlackSender(createSlackClient(slack.token, { apiUrl: slack.apiUrl })), email },
      chatConcurrency: 4,
      workers: { mailing: { linkBaseUrl: 'https://crm.example.test', linkSecret: SECRET, progressMs: 1000 } },
    });
    base.onClose(async () => email.close());
    const intake = new TelegramIntake(tg, base.inbound, { workspaceId: ws.id });
    await db.mailbox.create({
      data: {
        workspaceId: ws.id,
        name: 'sales',
        folder: 'INBOX',
        imapUrl: 'imap://x@127.0.0.1:1',
        smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
        fromAddress: 'Sales <sales@leadline.test>',
      },
    });

    // the team: a head who mails, a manager who has a reminder due during the mailing
    const chatBaseId = 900_000_000 + Math.floor(Math.random() * 50_000_000);
    const headChat = chatBaseId;
    const managerChat = chatBaseId + 1;
    const head = await db.user.create({ data: { workspaceId: ws.id, name: 'Helen', role: 'head', locale: 'en' } });
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(headChat), chatId: String(headChat), userId: head.id } });
    const manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Max', role: 'manager', locale: 'en' } });
    await db.identity.create({
      data: { workspaceId: ws.id, channel: 'telegram', externalId: String(managerChat), chatId: String(managerChat), userId: manager.id },
    });

    // the segment's customers (tag "news"), and one customer outside it
    const tgChats: string[] = [];
    const contactOf = new Map<string, number>();
    const addContact = async (name: string, tags: string[], identity: { channel: 'telegram' | 'slack' | 'email'; chatId: string }, extra: object = {}) => {
      const c = await db.contact.create({ data: { workspaceId: ws.id, name, nameKey: name.toLowerCase(), tags, ...extra } });
      await db.identity.create({
        data: {
          workspaceId: ws.id,
          channel: identity.channel,
          externalId: identity.chatId,
          chatId: identity.chatId,
          contactId: c.id,
          ...('unreachable' in extra ? {} : {}),
        },
      });
      contactOf.set(identity.chatId, c.id);
      return c.id;
    };
    for (let i = 0; i < TG; i++) {
      const chatId = String(chatBaseId + 10 + i);
      tgChats.push(chatId);
      await addContact(`Tg ${i}`, ['news', ...(i % 2 ? ['vip'] : [])], { channel: 'telegram', chatId });
    }
    const slackChannels = Array.from({ length: SLACK }, (_, i) => `DCUST${chatBaseId}${i}`);
    for (const [i, ch] of slackChannels.entries()) await addContact(`Slack ${i}`, ['news'], { channel: 'slack', chatId: ch });
    const addresses = Array.from({ length: EMAIL }, (_, i) => `customer${i}.${chatBaseId}@example.test`);
    for (const [i, a] of addresses.entries()) await addContact(`Mail ${i}`, ['news'], { channel: 'email', chatId: a });
    const outsider = String(chatBaseId + 5);
    await addContact('Outsider', ['other'], { channel: 'telegram', chatId: outsider });

    // opted out before: 3 (2 on Telegram, 1 by email); marked blocked before: 2; blocking the bot now (403 on send): 3
    const optedOut = [tgChats[0]!, tgChats[1]!, addresses[0]!];
    await db.contact.updateMany({ where: { id: { in: optedOut.map((c) => contactOf.get(c)!) } }, data: { mailingOptOutAt: new Date() } });
    const markedBlocked = [tgChats[2]!, tgChats[3]!];
    await db.identity.updateMany({ where: { workspaceId: ws.id, chatId: { in: markedBlocked } }, data: { unreachable: true, unreachableReason: 'blocked' } });
    const blockingNow = [tgChats[4]!, tgChats[5]!, tgChats[6]!];
    for (const c of blockingNow) api.block(c);
    const reachableTg = tgChats.filter((c) => !optedOut.includes(c) && !markedBlocked.includes(c) && !blockingNow.includes(c));
    const reachableEmail = addresses.filter((a) => !optedOut.includes(a));

    const headMessages = () => api.to(headChat);
    const nextToHead = async (what: string, match: (t: string) => boolean) =>
      waitFor(() => headMessages().find((m) => match(m.text)), `the head's ${what}`, 30_000, 50);

    // a saved segment, then the mailing drafted, its audience chosen and confirmed with buttons
    await intake.handleUpdate(text(headChat, '/segment News tag:news'));
    await nextToHead('segment saved', (t) => t.includes('Segment "News" saved'));
    await intake.handleUpdate(text(headChat, '/mailing Spring offer: 20% off everything this week.'));
    const pick = await nextToHead('audience buttons', (t) => t.startsWith('Mailing #'));
    const segButton = pick.buttons!.flat().find((b) => b.text === 'News')!;
    expect(segButton).toBeDefined();
    await intake.handleUpdate(press(headChat, segButton.callback_data, pick.messageId));
    const preview = await nextToHead('preview', (t) => t.includes('Recipients:'));
    const sendable = reachableTg.length + blockingNow.length + SLACK + reachableEmail.length;
    expect(preview.text).toContain(
      `Recipients: ${sendable} (Telegram ${reachableTg.length + blockingNow.length} · Slack ${SLACK} · Email ${reachableEmail.length})`,
    );
    expect(preview.text).toContain('Not mailed: 5 (opted out 3, blocked or unreachable 2, no channel 0)');
    expect(preview.text).toContain('Spring offer: 20% off everything this week.');
    const send = preview.buttons!.flat().find((b) => b.callback_data.startsWith('mail:send:'))!;

    // a reminder due a few seconds into the mailing, for the manager
    const dueAt = new Date(Date.now() + 6000);
    const task = await db.task.create({ data: { workspaceId: ws.id, title: 'Call Acme back', dueAt, assigneeId: manager.id, creatorId: manager.id } });
    await stack.workers.scheduler.scheduleReminder(task.id, dueAt);

    const started = Date.now();
    await intake.handleUpdate(press(headChat, send.callback_data, preview.messageId));

    // the reminder reaches the manager within 2 s of its time while the mailing runs
    const reminder = await waitFor(() => api.to(managerChat).find((m) => m.text.includes('Call Acme back')), 'the reminder', 30_000, 20);
    expect(reminder.at - dueAt.getTime()).toBeLessThan(2000);
    expect(api.accepted.filter((m) => reachableTg.includes(m.chatId) && m.at < reminder.at).length).toBeGreaterThan(0);

    // the final report, once every recipient is final
    const report = await nextToHead('report', (t) => t.startsWith('✅ Mailing #'));
    const elapsed = (Date.now() - started) / 1000;

    // each reachable customer exactly once, nobody else
    const mailingTexts = api.accepted.filter((m) => m.text.startsWith('Spring offer'));
    expect(mailingTexts.map((m) => m.chatId).sort()).toEqual([...reachableTg].sort());
    expect(api.to(outsider)).toHaveLength(0);
    const slackPosts = slack.callsTo('chat.postMessage').filter((c) => String(c.params.text ?? '').startsWith('Spring offer'));
    expect(slackPosts.map((c) => String(c.params.channel)).sort()).toEqual([...slackChannels].sort());
    const mails = smtp.sent.filter((m) => m.subject === 'Spring offer: 20% off everything this week.');
    expect(mails.map((m) => (m.to as { value: Array<{ address: string }> }).value[0]!.address).sort()).toEqual([...reachableEmail].sort());
    // at the limits: no 429 anywhere
    expect(api.rejected).toBe(0);
    expect(slack.rateLimited).toBe(0);
    expect(api.forbidden).toBe(blockingNow.length);
    // Telegram's rate: the bulk lane's share of 30/s (the slowest channel sets the pace)
    const tgTimes = mailingTexts.map((m) => m.at).sort((a, b) => a - b);
    const tgRate = (tgTimes.length - 1) / ((tgTimes.at(-1)! - tgTimes[0]!) / 1000);
    console.log(
      `mailing test: ${mailingTexts.length} Telegram in ${elapsed.toFixed(1)} s, ${tgRate.toFixed(1)} msg/s; Slack ${slackPosts.length}; email ${mails.length}`,
    );
    expect(tgRate).toBeGreaterThan(15);

    // the report: sent per channel, the not-sent with their reasons
    expect(report.text).toContain(
      `Sent: ${reachableTg.length + SLACK + reachableEmail.length} (Telegram ${reachableTg.length} · Slack ${SLACK} · Email ${reachableEmail.length})`,
    );
    expect(report.text).toContain('Not sent: 8');
    expect(report.text).toContain('opted out: 3');
    expect(report.text).toContain('blocked the bot: 5');
    // blocked during the mailing: marked, so the next mailing skips them at once
    expect(await db.identity.count({ where: { workspaceId: ws.id, chatId: { in: blockingNow }, unreachable: true } })).toBe(blockingNow.length);

    // the one progress message was edited in place (editMessageText on the message it sent)
    const progress = headMessages().filter((m) => m.text.startsWith('📣 Mailing #'));
    expect(progress).toHaveLength(1);

    // email: RFC 8058 one-click unsubscribe, signed for that contact
    const mail = mails[0]!;
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '') ?? '';
    const listUnsubscribe = header('list-unsubscribe');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(listUnsubscribe).toMatch(/^<https:\/\/crm\.example\.test\/unsubscribe\/[^>]+>$/);
    const tokenText = /\/unsubscribe\/([^>]+)>/.exec(listUnsubscribe)![1]!;
    const to = (mail.to as { value: Array<{ address: string }> }).value[0]!.address;
    expect(readUnsubscribeToken(SECRET, tokenText)).toEqual({ workspaceId: ws.id, contactId: contactOf.get(to) });
    expect(readUnsubscribeToken(SECRET, tokenText.slice(0, -2) + 'xx')).toBeNull();
    expect(await unsubscribeByToken(db, SECRET, tokenText, new Date())).toBe(true);
    expect((await db.contact.findUniqueOrThrow({ where: { id: contactOf.get(to)! } })).mailingOptOutAt).not.toBeNull();

    // a customer answers "Stop": opted out, told so, and the message is a normal inbound message
    const stopper = reachableTg[0]!;
    await intake.handleUpdate({
      update_id: ++seq,
      message: {
        message_id: seq,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(stopper), type: 'private' },
        from: { id: Number(stopper), is_bot: false, first_name: 'Tg' },
        text: 'Stop!',
      },
    } as unknown as Update);
    await waitFor(() => api.to(stopper).find((m) => m.text.includes('You are unsubscribed')), 'the opt-out confirmation', 15_000, 50);
    const stopped = await db.contact.findUniqueOrThrow({ where: { id: contactOf.get(stopper)! } });
    expect(stopped.mailingOptOutAt).not.toBeNull();
    expect(await db.message.count({ where: { workspaceId: ws.id, direction: 'inbound', text: 'Stop!' } })).toBe(1);
  }, 240_000);
});
