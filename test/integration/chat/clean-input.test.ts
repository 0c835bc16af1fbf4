// Clean input, once, at the boundary: what real customers (and attackers) send on every
// channel is stored, and what a manager is pushed stays within each platform's limits,
// however many "&", "<" or ">" it holds. Nothing is lost: the full text is in the database
// and one command away.
import { describe, expect, it } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';
import { splitForTelegram, escapeHtml } from '../../../bots/telegram/telegram-render.js';
import { renderMessages, SECTION_TEXT_MAX } from '../../../bots/slack/slack-render.js';
import { leadCard } from '../../../core/chat/commands/leads.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';
import { MAX_STORED_TEXT } from '../../../core/text/sanitize.js';

const HOSTILE_NAME = '\u202EknaB\u202C Olga\u0000 \uD800Petrova';
const AMPS = '&<>'.repeat(34_000); // 102,000 characters, each escaped to 4-5
const CHANNELS: Array<{ channel: InboundMessageInput['channel']; extra: (id: string) => Partial<InboundMessageInput> }> = [
  { channel: 'telegram', extra: () => ({}) },
  { channel: 'slack', extra: (id) => ({ externalUserId: `TCUST:U${id}`, externalChatId: `CSHARED:${id}.000001`, isGroup: true }) },
  {
    channel: 'email',
    extra: (id) => ({
      externalUserId: `olga${id}@example.com`,
      externalChatId: `olga${id}@example.com`,
      email: { from: `olga${id}@example.com`, subject: 'Order\u0000 & <price>' },
    }),
  },
  { channel: 'console', extra: () => ({}) },
];

describe('clean input on every channel', () => {
  it.each(CHANNELS)('$channel: NUL, lone surrogates, bidi names and 100 KB of &<> are stored and pushed within limits', async ({ channel, extra }) => {
    const f = await chatFixture('en');
    const id = nextId();
    const text = `Hello\u0000 \uDC00 need a quote ${AMPS} tail`;
    await f.send(f.msg({ id, name: HOSTILE_NAME }, text, { channel, ...extra(id) }));

    // stored: the message (bounded, marked where cut), the contact with a clean name, the lead
    const message = await f.db.message.findFirstOrThrow({ where: { workspaceId: f.ws.id, direction: 'inbound' } });
    expect(message.text.startsWith('Hello \uFFFD need a quote &<>&<>')).toBe(true);
    expect(message.text.length).toBeLessThanOrEqual(MAX_STORED_TEXT + 100);
    expect(message.text).toMatch(/characters cut\]$/);
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { contact: true } });
    if (channel !== 'email') expect(lead.contact.name).toBe('knaB Olga \uFFFDPetrova');

    // pushed: a bounded preview with a pointer to the full text, no bidi control anywhere
    const notice = f.outbox.items.find((i) => i.ref?.leadId === lead.id)!;
    expect(notice.text).toMatch(new RegExp(`Full text: /lead ${lead.id}`));
    expect(notice.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const parts = splitForTelegram(notice.text);
    expect(parts.length).toBeLessThanOrEqual(3);
    for (const p of parts) expect(escapeHtml(p).length).toBeLessThanOrEqual(4096);
    const slack = renderMessages(notice.text, notice.buttons);
    expect(slack).toHaveLength(1);
    for (const block of slack[0]!.blocks) if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);

    // and the full text is one command away
    const manager = { ...f.managerFrom };
    const [card] = await leadCard(
      { deps: f.deps, ctx: { db: f.db, clock: f.deps.clock }, workspace: f.ws, message: f.msg(manager, '/lead'), now: new Date(), out: [] } as never,
      { userId: f.manager.id, workspaceId: f.ws.id, role: 'manager', locale: 'en', timezone: 'UTC', name: f.manager.name },
      lead.id,
    );
    expect(card!.text).toContain(message.text.slice(0, 1000));
    expect(card!.text.length).toBeGreaterThan(MAX_STORED_TEXT);
  });

  it('a returning customer: a later long message is forwarded bounded too, and /lead shows it in full', async () => {
    const f = await chatFixture('ru');
    const who = { id: nextId(), name: 'Пётр' };
    await f.send(f.msg(who, 'Здравствуйте'));
    f.outbox.take();
    const long = `Подробности: ${'<тег> & '.repeat(20_000)}`;
    await f.send(f.msg(who, long));
    const [forward] = f.outbox.take();
    expect(forward!.text).toMatch(/Полный текст: \/lead \d+/);
    expect(splitForTelegram(forward!.text).length).toBeLessThanOrEqual(3);
  });
});
