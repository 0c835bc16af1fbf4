// The soak's traffic, open loop at fixed rates: customers writing on Telegram (webhook updates
// with the secret), in Slack shared channels (signed Events API requests) and by e-mail
// (IMAP APPEND to the watched mailbox); leads from another system through the REST API (POST
// /api/v1/leads with an Idempotency-Key, the same key on every retry); managers setting reminders ("remind me in 1 minute to
// ...") on Telegram and Slack, and answering lead notifications (a Telegram reply, a Slack
// thread reply) that the fakes recorded. Every fifth e-mail is long (about 6,000 characters), so
// its notification goes to a Telegram manager in parts. Every item carries a unique token (soak-t12,
// soak-s3, soak-e7, soak-p4, soak-r5, soak-a9) so the checks can find it in Postgres and at the fakes.
// A request that gets no 2xx (a web process was killed, or answered 5xx) is sent again, as
// Telegram and Slack do, to whichever web process is up, for up to `retryWindowMs`; only a 2xx
// makes it "accepted".
import { createHmac, randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { LimitedBotApi } from '../../test/support/limited-bot-api.js';
import type { FakeSlack } from '../../test/support/fake-slack.js';
import type { Fleet, Slot } from './fleet.js';
import { dedupeKeyFor as telegramDedupeKey } from '../../bots/telegram/telegram-update.js';
import { dedupeKeyFor as emailDedupeKey } from '../../connectors/email/mailbox-watcher.js';

export interface Manager {
  userId: number;
  name: string;
  channel: 'telegram' | 'slack';
  /** Telegram: the private chat id; Slack: the DM channel id */
  chatId: string;
  /** Slack user id */
  slackUser?: string;
}

export interface SoakIds {
  run: string;
  botToken: string;
  botId: number;
  webhookSecret: string;
  slackSecret: string;
  slackCustomerTeam: string;
  slackChannels: string[];
  slackCustomers: Array<{ user: string; channel: string }>;
  telegramCustomers: number[];
  emailCustomers: string[];
  /** the addresses of the REST API's leads */
  apiCustomers: string[];
  /** the REST API key the API leads are posted with (set once it is created) */
  apiKey?: string;
  salesAddress: string;
  /** the watched mailbox's row id (set once it is created) */
  mailboxId?: number;
}

export interface Attempted {
  token: string;
  accepted: boolean;
  /** requests sent for it (1 = accepted at the first try) */
  attempts: number;
  givenUp: boolean;
  acceptedAt?: number;
}

export interface CustomerMessage extends Attempted {
  channel: 'telegram' | 'slack' | 'email' | 'api';
  /** Telegram chat id, Slack "channel:user", or the e-mail address (of an API lead too) */
  customer: string;
  /**
   * the platform dedupe key Leadline files it under (its notice's ledger row is
   * notify:KEY or forward:KEY): Telegram from the update id, Slack from the event id, e-mail
   * from the UID the server gave the APPEND; unset when not known
   */
  dedupeKey?: string;
  /** Slack: the customer's channel and their message's ts (the thread Leadline answers in) */
  slackChannel?: string;
  slackTs?: string;
}

export interface ReminderCommand extends Attempted {
  manager: Manager;
}

export interface Answer extends Attempted {
  manager: Manager;
  leadId: number;
  /** the customer message whose notification was answered */
  about: CustomerMessage;
}

export interface Rates {
  telegram: number;
  slack: number;
  email: number;
  api: number;
  reminders: number;
  answers: number;
}

interface Candidate {
  leadId: number;
  manager: Manager;
  about: CustomerMessage;
  telegram?: { messageId: number; text: string };
  slackTs?: string;
}

// a fixed number of digits: a token cut short in a snippet ("…ref soak-e0011…" of soak-e00115)
// is no token at all, rather than another message's
const TOKEN = /soak-([tseapr])(\d{5})(?!\d)/g;

export function tokensIn(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[0]);
}

export class Traffic {
  readonly customerMessages: CustomerMessage[] = [];
  readonly commands: ReminderCommand[] = [];
  readonly answers: Answer[] = [];
  readonly byToken = new Map<string, CustomerMessage>();
  /** HTTP statuses (or "network") of requests that were not 2xx */
  readonly refusals = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly seq = { t: 0, s: 0, e: 0, p: 0, r: 0, a: 0 };
  private updateId = 100_000 + Math.floor(Math.random() * 1_000_000);
  private readonly chatMessageIds = new Map<string, number>();
  private slackTs = 0;
  private webTurn = 0;
  private readonly candidates: Candidate[] = [];
  private readonly answeredLeads = new Set<number>();
  private scannedTelegram = 0;
  private scannedSlack = 0;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private readonly issued = { telegram: 0, slack: 0, email: 0, api: 0, reminders: 0, answers: 0 };

  constructor(
    private readonly ids: SoakIds,
    private readonly managers: Manager[],
    private readonly fleet: Fleet,
    private readonly bot: LimitedBotApi,
    private readonly slack: FakeSlack,
    private readonly imap: ImapFlow,
    private readonly rates: Rates,
    private readonly retryWindowMs: number,
  ) {}

  /** Starts the open-loop generators; they issue `rate × elapsed` items of each kind. */
  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), 50);
  }

  /** Stops issuing; resolves once every item issued was accepted or given up. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  private tick(): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const due = (kind: keyof Rates) => Math.floor(this.rates[kind] * elapsed) - this.issued[kind];
    for (let n = due('telegram'); n > 0; n--, this.issued.telegram++) this.track(this.telegramCustomer());
    for (let n = due('slack'); n > 0; n--, this.issued.slack++) this.track(this.slackCustomer());
    for (let n = due('email'); n > 0; n--, this.issued.email++) this.track(this.emailCustomer());
    for (let n = due('api'); n > 0; n--, this.issued.api++) this.track(this.apiCustomer());
    for (let n = due('reminders'); n > 0; n--, this.issued.reminders++) this.track(this.reminder());
    this.collectCandidates();
    // an answer needs a notification to answer: skip the turn when none is there yet
    for (let n = due('answers'); n > 0 && this.candidates.length; n--, this.issued.answers++) this.track(this.answer());
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private pick<T>(list: T[]): T {
    return list[Math.floor(Math.random() * list.length)]!;
  }

  private nextMessageId(chat: string): number {
    const id = (this.chatMessageIds.get(chat) ?? 0) + 1;
    this.chatMessageIds.set(chat, id);
    return id;
  }

  private nextSlackTs(): string {
    this.slackTs++;
    return `${1_800_000_000 + this.slackTs}.${String(this.slackTs).padStart(6, '0')}`;
  }

  private token(kind: 't' | 's' | 'e' | 'p' | 'r' | 'a'): string {
    return `soak-${kind}${String(++this.seq[kind]).padStart(5, '0')}`;
  }

  // ---- requests with retries ----

  /** Sends `request` to a web process that is up until one answers 2xx or the retry window closes. */
  private async deliver(item: Attempted, request: (web: Slot, attempt: number) => Promise<Response>): Promise<void> {
    const until = Date.now() + this.retryWindowMs;
    for (;;) {
      const webs = this.fleet.ready('web');
      if (webs.length) {
        const web = webs[this.webTurn++ % webs.length]!;
        item.attempts++;
        let status: string;
        try {
          const res = await request(web, item.attempts - 1);
          await res.arrayBuffer().catch(() => undefined);
          if (res.status >= 200 && res.status < 300) {
            item.accepted = true;
            item.acceptedAt = Date.now();
            return;
          }
          status = String(res.status);
        } catch {
          status = 'network';
        }
        this.refusals.set(status, (this.refusals.get(status) ?? 0) + 1);
      }
      if (Date.now() > until) {
        item.givenUp = true;
        return;
      }
      await new Promise((r) => setTimeout(r, webs.length ? 1000 : 250));
    }
  }

  private telegramUpdate(web: Slot, update: unknown): Promise<Response> {
    return fetch(`http://127.0.0.1:${web.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': this.ids.webhookSecret },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(15_000),
    });
  }

  private slackEvent(web: Slot, eventId: string, event: Record<string, unknown>, attempt: number): Promise<Response> {
    const body = JSON.stringify({
      token: 'x',
      team_id: this.slack.teamId,
      api_app_id: 'ASOAK',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': 'v0=' + createHmac('sha256', this.ids.slackSecret).update(`v0:${ts}:${body}`).digest('hex'),
    };
    if (attempt > 0) {
      headers['x-slack-retry-num'] = String(attempt);
      headers['x-slack-retry-reason'] = 'http_error';
    }
    return fetch(`http://127.0.0.1:${web.port}/slack/events`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  }

  private telegramText(
    chatId: number,
    firstName: string,
    text: string,
    replyTo?: { messageId: number; text: string },
  ): { update_id: number; message: unknown } {
    const id = this.updateId++;
    const chat = { id: chatId, type: 'private', first_name: firstName };
    return {
      update_id: id,
      message: {
        message_id: this.nextMessageId(`tg:${chatId}`),
        date: Math.floor(Date.now() / 1000),
        chat,
        from: { id: chatId, is_bot: false, first_name: firstName, language_code: 'en' },
        text,
        ...(replyTo
          ? {
              reply_to_message: {
                message_id: replyTo.messageId,
                date: Math.floor(Date.now() / 1000),
                chat,
                from: { id: this.ids.botId, is_bot: true, first_name: 'Leadline' },
                text: replyTo.text,
              },
            }
          : {}),
      },
    };
  }

  // ---- the generators ----

  private async telegramCustomer(): Promise<void> {
    const chatId = this.pick(this.ids.telegramCustomers);
    const m: CustomerMessage = { token: this.token('t'), channel: 'telegram', customer: String(chatId), accepted: false, attempts: 0, givenUp: false };
    this.record(m);
    // one update, sent again as it is until accepted (Telegram redelivers the same update_id)
    const update = this.telegramText(chatId, `Customer ${chatId}`, `Hello, we need a quote for 20 chairs, ref ${m.token}`);
    m.dedupeKey = telegramDedupeKey(String(this.ids.botId), update.update_id);
    await this.deliver(m, (web) => this.telegramUpdate(web, update));
  }

  private async slackCustomer(): Promise<void> {
    const who = this.pick(this.ids.slackCustomers);
    const m: CustomerMessage = {
      token: this.token('s'),
      channel: 'slack',
      customer: `${who.channel}:${who.user}`,
      slackChannel: who.channel,
      accepted: false,
      attempts: 0,
      givenUp: false,
    };
    this.record(m);
    const eventId = `EvSoak${this.ids.run}${m.token.replace(/\W/g, '')}`;
    // as bots/slack/slack-message.ts files an event
    m.dedupeKey = `slack:${eventId}`;
    m.slackTs = this.nextSlackTs();
    const event = {
      type: 'message',
      channel: who.channel,
      channel_type: 'channel',
      user: who.user,
      user_team: this.ids.slackCustomerTeam,
      text: `Hi, could you price 30 desks? ref ${m.token}`,
      ts: m.slackTs,
    };
    await this.deliver(m, (web, attempt) => this.slackEvent(web, eventId, event, attempt));
  }

  private async emailCustomer(): Promise<void> {
    const address = this.pick(this.ids.emailCustomers);
    const m: CustomerMessage = { token: this.token('e'), channel: 'email', customer: address, accepted: false, attempts: 0, givenUp: false };
    this.record(m);
    // every 5th mail is long: its notification reaches a Telegram manager in two parts
    const long = this.seq.e % 5 === 0;
    const filler = long
      ? ['', ...Array.from({ length: 60 }, (_, i) => `Item ${i + 1} of ${m.token}: ${'standing desk with cable tray and monitor arm, '.repeat(2)}`)]
      : [];
    const raw = [
      `From: Customer <${address}>`,
      `To: Sales <${this.ids.salesAddress}>`,
      // not the token itself: the subject becomes the lead's title, which later notices about
      // the same customer show, and the checks must find each message's token in its own notice
      `Subject: Quote request ${m.token.replace('soak-', 'no. ')}`,
      `Message-ID: <${m.token}.${this.ids.run}@soak-customers.test>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello, please send us a quote for 12 monitors. Ref ${m.token}`,
      ...filler,
      '',
      'Best regards,',
      'A customer',
      '',
    ].join('\r\n');
    const until = Date.now() + this.retryWindowMs;
    for (;;) {
      m.attempts++;
      try {
        const appended = await this.imap.append('INBOX', raw);
        if (appended && appended.uid !== undefined && appended.uidValidity !== undefined && this.ids.mailboxId !== undefined)
          m.dedupeKey = emailDedupeKey({ mailboxId: this.ids.mailboxId, uidValidity: appended.uidValidity, uid: appended.uid });
        m.accepted = true;
        m.acceptedAt = Date.now();
        return;
      } catch {
        this.refusals.set('imap', (this.refusals.get('imap') ?? 0) + 1);
        if (Date.now() > until) {
          m.givenUp = true;
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async apiCustomer(): Promise<void> {
    const email = this.pick(this.ids.apiCustomers);
    const m: CustomerMessage = { token: this.token('p'), channel: 'api', customer: email, accepted: false, attempts: 0, givenUp: false };
    this.record(m);
    // one request, sent again as it is (the same Idempotency-Key) until answered 2xx
    const body = JSON.stringify({
      name: `API customer ${email.split('.')[0]}`,
      email,
      message: `Please call me about 10 sofas, ref ${m.token}`,
      source: 'soak',
    });
    const headers = { authorization: `Bearer ${this.ids.apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    await this.deliver(m, (web) => fetch(`http://127.0.0.1:${web.port}/api/v1/leads`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) }));
  }

  private async reminder(): Promise<void> {
    const manager = this.pick(this.managers);
    const c: ReminderCommand = { token: this.token('r'), manager, accepted: false, attempts: 0, givenUp: false };
    this.commands.push(c);
    const text = `remind me in 1 minute to call ${c.token}`;
    if (manager.channel === 'telegram') {
      const update = this.telegramText(Number(manager.chatId), manager.name, text);
      await this.deliver(c, (web) => this.telegramUpdate(web, update));
    } else {
      const eventId = `EvSoak${this.ids.run}${c.token.replace(/\W/g, '')}`;
      const event = {
        type: 'message',
        channel: manager.chatId,
        channel_type: 'im',
        user: manager.slackUser,
        team: this.slack.teamId,
        text,
        ts: this.nextSlackTs(),
      };
      await this.deliver(c, (web, attempt) => this.slackEvent(web, eventId, event, attempt));
    }
  }

  private async answer(): Promise<void> {
    const i = Math.floor(Math.random() * this.candidates.length);
    const cand = this.candidates.splice(i, 1)[0]!;
    this.answeredLeads.add(cand.leadId);
    const a: Answer = { token: this.token('a'), manager: cand.manager, leadId: cand.leadId, about: cand.about, accepted: false, attempts: 0, givenUp: false };
    this.answers.push(a);
    const text = `Thank you, our offer follows today: ${a.token}`;
    if (cand.telegram) {
      const update = this.telegramText(Number(cand.manager.chatId), cand.manager.name, text, cand.telegram);
      await this.deliver(a, (web) => this.telegramUpdate(web, update));
    } else {
      const eventId = `EvSoak${this.ids.run}${a.token.replace(/\W/g, '')}`;
      const event = {
        type: 'message',
        channel: cand.manager.chatId,
        channel_type: 'im',
        user: cand.manager.slackUser,
        team: this.slack.teamId,
        text,
        ts: this.nextSlackTs(),
        thread_ts: cand.slackTs,
      };
      await this.deliver(a, (web, attempt) => this.slackEvent(web, eventId, event, attempt));
    }
  }

  private record(m: CustomerMessage): void {
    this.customerMessages.push(m);
    this.byToken.set(m.token, m);
  }

  /** New-lead notifications the fakes accepted since the last look: what managers can answer. */
  private collectCandidates(): void {
    const byChat = new Map(this.managers.map((m) => [m.chatId, m]));
    const consider = (manager: Manager | undefined, haystack: string, shown: string, extra: Pick<Candidate, 'telegram' | 'slackTs'>) => {
      if (!manager) return;
      const lead = /lead:take:(\d+)/.exec(haystack);
      if (!lead) return;
      const leadId = Number(lead[1]);
      // a summary lists several customers and then shows the latest notice in full, the one a
      // reply goes to (core/outbound/coalesce.ts): that is the last token of its text
      const about = tokensIn(shown)
        .reverse()
        .map((t) => this.byToken.get(t))
        .find(Boolean);
      // an API lead has no chat to answer in
      if (!about || about.channel === 'api' || this.answeredLeads.has(leadId)) return;
      this.answeredLeads.add(leadId);
      this.candidates.push({ leadId, manager, about, ...extra });
    };
    for (; this.scannedTelegram < this.bot.accepted.length; this.scannedTelegram++) {
      const m = this.bot.accepted[this.scannedTelegram]!;
      consider(byChat.get(m.chatId), `${m.text} ${JSON.stringify(m.buttons ?? [])}`, m.text, { telegram: { messageId: m.messageId, text: m.text } });
    }
    for (; this.scannedSlack < this.slack.calls.length; this.scannedSlack++) {
      const c = this.slack.calls[this.scannedSlack]!;
      // an accepted post has its ts (set as it is answered); a refused one (429) has none
      if (c.method !== 'chat.postMessage' || !c.ts) continue;
      consider(byChat.get(String(c.params.channel)), JSON.stringify(c.params), typeof c.params.text === 'string' ? c.params.text : JSON.stringify(c.params), {
        slackTs: c.ts,
      });
    }
  }
}
