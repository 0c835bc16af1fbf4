// Email intake end to end through the chat engine (ingestRawEmail -> handleInbound, real Postgres):
// - what an email says about its sender (web-form fields, signature) reaches the contact: a
//   phone-only form becomes a lead whose contact has the phone, a second form from that phone
//   finds the same contact, a signature's phone and company fill an existing contact's empty
//   fields without overwriting what a manager set, and the phone finds a contact made on
//   another channel;
// - delivery reports: a delay, a success report, a 4.x.x failure, a 5.7.1 spam rejection and a
//   challenge-response mail leave the address deliverable; a permanent failure (5.1.1) marks it.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chatFixture, nextId } from '../chat/chat-fixture.js';
import { ingestRawEmail, type IntakeResult } from '../../../connectors/email/email-intake.js';
import { handleInbound } from '../../../core/chat/handle-inbound.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';
import { parseDeliveryStatus } from '../../../core/email/dsn.js';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';

const limits = { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 };
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const real = path.join(root, 'test', 'fixtures', 'email', 'real');
const corpusCandidates = [path.resolve(root, '..', 'shared', 'corpora', 'email'), path.resolve(root, '..', '..', 'shared', 'corpora', 'email')];
const corpus = corpusCandidates.find((c) => existsSync(c));
if (!corpus) console.warn('delay DSNs from the shared corpus skipped: shared/corpora/email is not beside the checkout');

type Fixture = Awaited<ReturnType<typeof chatFixture>>;

async function ingest(f: Fixture, raw: Buffer | string): Promise<IntakeResult> {
  return ingestRawEmail(
    { db: f.db, limits, deliver: async (m) => void (await handleInbound(f.deps, parseInboundMessage(m, new Date()))) },
    { workspaceId: f.ws.id, dedupeKey: `test-email:${f.ws.id}:${nextId()}` },
    Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
  );
}

function mail(lines: string[], body: string): string {
  return [...lines, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n');
}

async function contactByPhone(f: Fixture, phone: string) {
  const row = await f.db.contactPhone.findUnique({ where: { workspaceId_phone: { workspaceId: f.ws.id, phone } } });
  return row ? f.db.contact.findUniqueOrThrow({ where: { id: row.contactId }, include: { company: true, emails: true, phones: true } }) : null;
}

describe('email sender details reach the contact', () => {
  it('a phone-only web form becomes a lead whose contact has the phone, and the next form from that phone finds it', async () => {
    const f = await chatFixture('ru');
    const tag = nextId();
    const form = (name: string, phone: string, id: string) =>
      mail(
        [
          'From: Сайт <wordpress@stroy-' + tag + '.ru>',
          'To: sales@leadline.test',
          'Subject: Заявка с сайта: обратный звонок',
          `Message-ID: <${id}@stroy-${tag}.ru>`,
        ],
        `Имя: ${name}\nТелефон: ${phone}\n\n--\nЭто сообщение отправлено с сайта stroy-${tag}.ru`,
      );
    const r = await ingest(f, form('Пётр', '8 (916) 555-12-34', `a${tag}`));
    expect(r.email.kind).toBe('form');
    expect(r.email.contact.phone).toBe('+79165551234');

    const contact = await contactByPhone(f, '+79165551234');
    expect(contact?.name).toBe('Пётр');
    const lead = await f.db.lead.findFirst({ where: { workspaceId: f.ws.id, contactId: contact!.id } });
    expect(lead).not.toBeNull();
    // the manager is told (with the phone in the text); nobody is acknowledged: there is no address
    const pushed = f.outbox.take();
    expect(pushed.filter((i) => i.identityId === f.managerIdentity.id).length).toBe(1);
    expect(pushed.find((i) => i.identityId === f.managerIdentity.id)?.text).toContain('555-12-34');
    expect(pushed.filter((i) => i.identityId !== f.managerIdentity.id)).toEqual([]);

    // the same phone again, written differently: same contact, no second lead, forwarded to the owner
    await ingest(f, form('Пётр', '+7 916 555 12 34', `b${tag}`));
    expect((await contactByPhone(f, '+79165551234'))!.id).toBe(contact!.id);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id, contactId: contact!.id } })).toBe(1);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id, conversation: { contactId: contact!.id } } })).toBe(2);
  });

  it("fills a known contact's empty phone and company from the signature, never overwriting a manager's company", async () => {
    const f = await chatFixture('en');
    const tag = nextId();
    const ctx = dbContext(f.db, { clock: f.deps.clock });
    const system = systemActor(f.ws);
    // a manager typed this one in with a company; the other arrived by email with only the address
    const typed = await findOrCreateContact(ctx, system, { email: `kate-${tag}@globex.example`, name: 'Kate Doe', company: `Globex Corporation ${tag}` });
    const bare = await findOrCreateContact(ctx, system, { email: `tom-${tag}@initech.example` });
    expect(bare.contact.name).toBe(`tom-${tag}@initech.example`);

    const signed = (from: string, id: string) =>
      mail(
        [`From: ${from}`, 'To: sales@leadline.test', 'Subject: Pricing for 5 seats', `Message-ID: <${id}@mail.example>`],
        `Hello,\n\nWhat would 5 seats cost per year?\n\nBest regards,\n${from.replace(/ <.*/, '')}\nHead of Sales\nUmbrella Trading LLC\nPhone: +1 415 555 0142`,
      );
    await ingest(f, signed(`Tom Smith <tom-${tag}@initech.example>`, `t${tag}`));
    await ingest(f, signed(`Kate Doe <kate-${tag}@globex.example>`, `k${tag}`));

    const tom = await f.db.contact.findUniqueOrThrow({ where: { id: bare.contact.id }, include: { company: true, phones: true } });
    expect(tom.name).toBe('Tom Smith');
    expect(tom.phones.map((p) => p.phone)).toEqual(['+14155550142']);
    expect(tom.company?.name).toBe('Umbrella Trading LLC');

    const kate = await f.db.contact.findUniqueOrThrow({ where: { id: typed.contact.id }, include: { company: true } });
    expect(kate.company?.name).toBe(`Globex Corporation ${tag}`);
    expect(kate.name).toBe('Kate Doe');
  });

  it('finds a contact made on another channel by the phone a web form gives, and attaches the e-mail', async () => {
    const f = await chatFixture('en');
    const tag = nextId();
    const tg = nextId();
    // the customer wrote on Telegram first and shared a phone there
    await findOrCreateContact(dbContext(f.db, { clock: f.deps.clock }), systemActor(f.ws), {
      identity: { channel: 'telegram', externalId: tg, chatId: tg, displayName: 'Ann' },
      phone: '+44 20 7946 0' + tag.slice(-3).padStart(3, '0'),
    });
    const phone = '+442079460' + tag.slice(-3).padStart(3, '0');
    const before = await contactByPhone(f, phone);
    const r = await ingest(
      f,
      mail(
        [
          'From: Acme Website <no-reply@acme-' + tag + '.example>',
          `Reply-To: ann-${tag}@gmail.com`,
          'To: sales@leadline.test',
          'Subject: New contact form submission',
        ],
        `Name: Ann Lee\nEmail: ann-${tag}@gmail.com\nPhone: ${phone}\nMessage: Please call me about the annual plan.`,
      ),
    );
    expect(r.email.kind).toBe('form');
    const after = await contactByPhone(f, phone);
    expect(after!.id).toBe(before!.id);
    expect(after!.emails.map((e) => e.email)).toContain(`ann-${tag}@gmail.com`);
  });
});

describe('delivery reports and the address', () => {
  async function withContact(f: Fixture, email: string) {
    await findOrCreateContact(dbContext(f.db, { clock: f.deps.clock }), systemActor(f.ws), { email });
  }
  async function undeliverable(f: Fixture, email: string) {
    return (await f.db.contactEmail.findUniqueOrThrow({ where: { workspaceId_email: { workspaceId: f.ws.id, email } } })).undeliverable;
  }
  /** The recipients a report names, read from its own status part (so the test follows the fixture). */
  async function recipientsOf(raw: Buffer): Promise<string[]> {
    const parsed = await parseEmail(raw, limits);
    const fromDsn = parseDeliveryStatus(parsed.deliveryStatus).map((r) => r.recipient);
    return fromDsn.length
      ? fromDsn
      : (/[\w.+-]+@[\w.-]+\.\w+/.exec(parsed.text.slice(parsed.text.search(/recipient|address/i)))?.map((a) => a.toLowerCase()) ?? []);
  }

  const keep: Array<[string, string]> = [
    ['a success report (Action: relayed)', path.join(real, 'dsn-success-sendmail-relayed.eml')],
    ['a failure with a 4.x.x status (gave up after 5 days)', path.join(real, 'bounce-sendmail-rfc3464-gave-up-4xx-flanker.eml')],
    ['a challenge-response filter (Boxbe, 4.7.0)', path.join(real, 'challenge-boxbe-waitlisted.eml')],
    ['a delay report from Stalwart (Action: delayed, 4.0.0)', path.join(real, 'dsn-delay-stalwart.eml')],
    ['a success report from Stalwart (Action: delivered)', path.join(real, 'dsn-success-delivered-stalwart.eml')],
    [
      'a spam rejection (Action: failed, Status: 5.7.1: the message refused, not the address)',
      path.join(real, 'bounce-postfix-spam-rejection-571-bounceparser.eml'),
    ],
  ];
  if (corpus) {
    keep.push(['a delay report (Action: delayed)', path.join(corpus, 'sisimai-bounces', 'rfc3464-07.eml')]);
    keep.push(['an Exim delay warning in prose', path.join(corpus, 'sisimai-bounces', 'lhost-exim-38.eml')]);
    keep.push(['a Gmail delay notice', path.join(corpus, 'sisimai-bounces', 'lhost-gmail-06.eml')]);
  }

  for (const [what, file] of keep) {
    it(`${what} leaves the address deliverable`, async () => {
      const f = await chatFixture('en');
      const raw = readFileSync(file);
      const recipients = await recipientsOf(raw);
      expect(recipients.length).toBeGreaterThan(0);
      for (const r of recipients) await withContact(f, r);
      const result = await ingest(f, raw);
      expect(result.email.reachesLeadFlow).toBe(false);
      expect(result.bouncesRecorded).toBe(0);
      for (const r of recipients) expect(await undeliverable(f, r), r).toBe(false);
    });
  }

  it('a permanent failure (Action: failed, Status: 5.1.1) marks the address, once', async () => {
    const f = await chatFixture('en');
    const raw = readFileSync(path.join(real, 'bounce-postfix-zammad.eml'));
    await withContact(f, 'not_existing@znuny.com');
    const result = await ingest(f, raw);
    expect(result.email.kind).toBe('bounce');
    expect(result.bouncesRecorded).toBe(1);
    expect(await undeliverable(f, 'not_existing@znuny.com')).toBe(true);
  });
});
