// What the soak checks once the system has drained, from Postgres and from what the fakes
// accepted (the Bot API fake, the Slack Web API fake, the SMTP sink):
//   - every accepted customer message (2xx / APPEND OK) is stored once as an inbound Message,
//     its manager got one notification, and each customer one acknowledgement (not an API
//     lead's: the web channel has no chat; its 201 is the acknowledgement);
//   - every accepted reminder command made one Task, confirmed once, and each reminder due by
//     now was delivered once (one ReminderDelivery row, one "⏰ Reminder" at the fake);
//   - every accepted answer is stored once as an outbound Message, reached the customer on
//     their channel once and was echoed to the manager once;
//   - every digest subscription due by now was delivered once;
//   - the OutboundDelivery ledger: nothing left "sending" or "coalescing", nothing "failed", every
//     "sent" (or "coalesced": folded into a summary) row's platform id is at a fake, and every send at a fake is in the ledger (a send the ledger
//     does not know is a duplicate left by a process killed between the send and its record;
//     Telegram messages without buttons are left out: they may be earlier parts of a message);
//   - no identical message went to one chat twice; no 429 at the fakes.
// `missing` may still arrive while the system drains; duplicates and 429s never go away.
import type { Db } from '../../core/db.js';
import type { LimitedBotApi } from '../../test/support/limited-bot-api.js';
import type { FakeSlack } from '../../test/support/fake-slack.js';
import type { SmtpSink } from '../../test/support/smtp-sink.js';
import { tokensIn, type Manager, type Traffic } from './traffic.js';

export interface DigestExpectation {
  subscriptionId: number;
  kind: 'today' | 'team_daily';
  /** Telegram chat id or Slack DM of the recipient */
  chatId: string;
  dueAt: number;
}

export interface Tally {
  name: string;
  expected: number;
  ok: number;
  missing: string[];
  duplicated: string[];
}

export interface Report {
  tallies: Tally[];
  /** problems that are not a count of one kind: ledger states, 429s, unrecorded sends */
  problems: string[];
  /** ledger rows by status */
  ledger: Record<string, number>;
  sends: { telegram: number; telegramPhotos: number; slack: number; email: number };
  rateLimited: { telegram: number; slack: number };
  /** Telegram: ms from the fake taking a message to its ledger record (OutboundDelivery.sentAt) */
  recordLagMs: number[];
  /** the checks still waiting for something that may come (nothing is final yet) */
  waiting: number;
  /** notifications counted through the ledger: carried by a message a fake accepted that does not quote their token (a summary, a text cut short) */
  foldedNotices: number;
}

interface Out {
  channel: 'telegram' | 'slack' | 'email';
  /** Telegram chat id, Slack channel, e-mail address */
  to: string;
  thread?: string;
  /** the visible text (Telegram text or caption, Slack `text`, e-mail subject + body) */
  text: string;
  /** all of it, where tokens are looked for (Slack blocks included) */
  haystack: string;
  photo: boolean;
  /** Telegram: it carries buttons, so it is the last part of its message */
  lastPart?: boolean;
  /** the id the ledger records for it */
  ref: string;
  /** identical messages to one chat share it */
  key: string;
  /** when the fake accepted it */
  at: number;
}

/** A SIGKILL the soak sent, to tell a duplicate left by a process killed between a send and its record. */
export interface KillEvent {
  name: string;
  pid?: number;
  at: number;
}

const hms = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** What the checks read of the fakes: what they accepted and refused. */
export type BotRecord = Pick<LimitedBotApi, 'accepted' | 'refused' | 'rejected'>;
export type SlackRecord = Pick<FakeSlack, 'calls' | 'rateLimited'>;
export type SmtpRecord = Pick<SmtpSink, 'sent'>;

function outputs(bot: BotRecord, slack: SlackRecord, smtp: SmtpRecord): Out[] {
  const out: Out[] = [];
  for (const m of bot.accepted) {
    const photo = m.method === 'sendPhoto';
    out.push({
      channel: 'telegram',
      to: m.chatId,
      text: m.text,
      haystack: m.text,
      photo,
      lastPart: Boolean(m.buttons?.length),
      ref: String(m.messageId),
      key: `tg|${m.chatId}|${m.method}|${m.text}|${JSON.stringify(m.buttons ?? null)}`,
      at: m.at,
    });
  }
  for (const c of slack.calls) {
    // the fake gives an accepted post its ts (a refused one has none)
    if (c.method !== 'chat.postMessage' || !c.ts) continue;
    const channel = String(c.params.channel);
    const ts = c.ts;
    const thread = c.params.thread_ts ? String(c.params.thread_ts) : undefined;
    const text = String(c.params.text ?? '');
    out.push({
      channel: 'slack',
      to: channel,
      thread,
      text,
      haystack: JSON.stringify(c.params),
      photo: false,
      ref: thread && thread !== ts ? `${channel}:${thread}:${ts}` : `${channel}:${ts}`,
      key: `slack|${channel}|${thread ?? ''}|${text}|${JSON.stringify(c.params.blocks ?? null)}`,
      at: c.at,
    });
  }
  for (const mail of smtp.sent) {
    const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).join(',');
    const text = `${mail.subject ?? ''}\n${mail.text ?? ''}`;
    out.push({
      channel: 'email',
      to: to.toLowerCase(),
      text,
      haystack: text,
      photo: false,
      ref: (mail.messageId ?? '').replace(/^<|>$/g, ''),
      key: `email|${to}|${mail.subject}|${mail.text}`,
      at: mail.date?.getTime() ?? 0,
    });
  }
  return out;
}

const isReminder = (text: string) => text.startsWith('⏰ Reminder:');
// a summary of notices folded while the manager's chat was busy (core/outbound/coalesce.ts)
// lists each customer with their latest message, cut short, and shows the latest notice in
// full; a customer's earlier folded messages are counted there ("3 messages"), not quoted, so
// those are found through the ledger (see carriedBy below)
const isNotification = (text: string) => /^New lead #\d+ from /.test(text) || /^[^\n]*, lead #\d+:\n/.test(text) || text.startsWith('📥 ');
const isRelayEcho = (text: string) => text.startsWith('Sent to ');
const isConfirmation = (text: string) => /^Reminder #\d+ set: /.test(text);

function tally(name: string): Tally {
  return { name, expected: 0, ok: 0, missing: [], duplicated: [] };
}

/** Counts `n` against exactly-once: 1 is ok, 0 missing, more duplicated. */
function once(t: Tally, n: number, what: string): void {
  t.expected++;
  if (n === 1) t.ok++;
  else if (n === 0) t.missing.push(what);
  else t.duplicated.push(`${what} ×${n}`);
}

export async function runChecks(args: {
  db: Db;
  workspaceId: number;
  traffic: Pick<Traffic, 'customerMessages' | 'commands' | 'answers'>;
  managers: Manager[];
  digests: DigestExpectation[];
  bot: BotRecord;
  slack: SlackRecord;
  smtp: SmtpRecord;
  now: number;
  kills?: KillEvent[];
}): Promise<Report> {
  const { db, workspaceId, traffic, now } = args;
  const out = outputs(args.bot, args.slack, args.smtp);
  const managerChats = new Set(args.managers.map((m) => m.chatId));
  const problems: string[] = [];

  // where each token appears at the fakes
  const at = new Map<string, Out[]>();
  for (const o of out) for (const t of new Set(tokensIn(o.haystack))) at.set(t, [...(at.get(t) ?? []), o]);
  const seen = (token: string, pred: (o: Out) => boolean) => (at.get(token) ?? []).filter(pred).length;

  // ---- customer messages ----
  const inbound = await db.$queryRaw<Array<{ text: string; channel: string; externalId: string | null }>>`
    SELECT text, channel::text AS channel, "externalId" FROM "Message" WHERE "workspaceId" = ${workspaceId} AND direction = 'inbound'`;
  const stored = new Map<string, number>();
  // an API lead's dedupe key is made in the web process (from its Idempotency-Key and body):
  // read from its stored message ("api:KEY:ID" is kept under "web:api:KEY:ID")
  const apiKeys = new Map<string, string>();
  for (const row of inbound) {
    for (const t of new Set(tokensIn(row.text))) {
      stored.set(t, (stored.get(t) ?? 0) + 1);
      if (row.channel === 'web' && row.externalId) apiKeys.set(t, `web:${row.externalId}`);
    }
  }

  const storedT = {
    telegram: tally('telegram messages stored'),
    slack: tally('slack messages stored'),
    email: tally('email messages stored'),
    api: tally('API leads stored'),
  };
  const notifications = tally('notifications to the manager');
  // a notice whose token a manager's message does not quote (folded into a summary behind the
  // same customer's later message, or its text cut short to fit one) is found through its
  // ledger row: "sent" or "coalesced", naming the platform message that carried it; it counts
  // as told when a fake accepted that message for a manager
  const noticeRows = await db.$queryRaw<Array<{ dedupeKey: string; externalMessageId: string | null }>>`
    SELECT "dedupeKey", "externalMessageId" FROM "OutboundDelivery"
    WHERE "workspaceId" = ${workspaceId} AND status IN ('sent', 'coalesced') AND ("dedupeKey" LIKE 'notify:%' OR "dedupeKey" LIKE 'forward:%')`;
  const carriedBy = new Map(noticeRows.map((r) => [r.dedupeKey, r.externalMessageId]));
  const managerRefs = new Set(out.filter((o) => managerChats.has(o.to)).map((o) => o.ref));
  let foldedNotices = 0;
  const acks = tally('acknowledgements to customers');
  const ackedCustomers = new Map<string, { channel: string; slackTs: string[] }>();
  for (const m of traffic.customerMessages) {
    const n = stored.get(m.token) ?? 0;
    if (m.accepted) once(storedT[m.channel], n, `${m.token} (${m.customer})`);
    else if (n > 1) storedT[m.channel].duplicated.push(`${m.token} (not accepted) ×${n}`);
    if (n === 0) continue;
    // stored (accepted or not): its manager is told once, in its own notice or folded into a summary
    let told = seen(m.token, (o) => managerChats.has(o.to) && isNotification(o.text));
    const dedupeKey = m.dedupeKey ?? apiKeys.get(m.token);
    if (told === 0 && dedupeKey) {
      const carrier = carriedBy.get(`notify:${dedupeKey}`) ?? carriedBy.get(`forward:${dedupeKey}`);
      if (carrier && managerRefs.has(carrier)) {
        told = 1;
        foldedNotices++;
      }
    }
    once(notifications, told, m.token);
    if (m.channel === 'api') continue;
    const c = ackedCustomers.get(m.customer) ?? { channel: m.channel, slackTs: [] };
    if (m.slackTs) c.slackTs.push(m.slackTs);
    ackedCustomers.set(m.customer, c);
  }
  const answerTokens = new Set(traffic.answers.map((a) => a.token));
  const isAnswer = (o: Out) => tokensIn(o.haystack).some((t) => answerTokens.has(t));
  for (const [customer, c] of ackedCustomers) {
    let n: number;
    if (c.channel === 'telegram') n = out.filter((o) => o.channel === 'telegram' && o.to === customer && !isAnswer(o)).length;
    else if (c.channel === 'email') n = out.filter((o) => o.channel === 'email' && o.to === customer.toLowerCase() && !isAnswer(o)).length;
    else {
      const [channel] = customer.split(':');
      const threads = new Set(c.slackTs);
      n = out.filter((o) => o.channel === 'slack' && o.to === channel && o.thread !== undefined && threads.has(o.thread) && !isAnswer(o)).length;
    }
    once(acks, n, customer);
  }

  // ---- reminders ----
  const tasks = await db.$queryRaw<Array<{ id: number; title: string; dueAt: Date; deliveries: bigint }>>`
    SELECT t.id, t.title, t."dueAt", (SELECT count(*) FROM "ReminderDelivery" d WHERE d."taskId" = t.id) AS deliveries
    FROM "Task" t WHERE t."workspaceId" = ${workspaceId} AND t.title LIKE '%soak-r%'`;
  const tasksByToken = new Map<string, typeof tasks>();
  for (const t of tasks) for (const tok of tokensIn(t.title)) tasksByToken.set(tok, [...(tasksByToken.get(tok) ?? []), t]);
  const taskT = tally('reminder commands stored (tasks)');
  const confirmT = tally('reminder confirmations');
  const remindT = tally('reminders delivered (at the fake)');
  const remindRows = tally('reminders delivered (ReminderDelivery rows)');
  let notDueYet = 0;
  for (const c of traffic.commands) {
    const found = tasksByToken.get(c.token) ?? [];
    if (c.accepted) once(taskT, found.length, `${c.token} (${c.manager.name})`);
    else if (found.length > 1) taskT.duplicated.push(`${c.token} (not accepted) ×${found.length}`);
    if (!found.length) continue;
    const mine = (o: Out) => o.to === c.manager.chatId;
    once(
      confirmT,
      seen(c.token, (o) => mine(o) && isConfirmation(o.text)),
      c.token,
    );
    for (const t of found) {
      if (t.dueAt.getTime() > now) {
        notDueYet++;
        continue;
      }
      once(
        remindT,
        seen(c.token, (o) => mine(o) && isReminder(o.text)),
        `${c.token} (task ${t.id}, due ${t.dueAt.toISOString().slice(11, 19)})`,
      );
      once(remindRows, Number(t.deliveries), `task ${t.id}`);
    }
  }
  if (notDueYet) problems.push(`${notDueYet} reminder(s) not due yet at the check`);

  // ---- answers ----
  const outboundRows = await db.$queryRaw<Array<{ text: string; deliveryStatus: string | null }>>`
    SELECT text, "deliveryStatus" FROM "Message" WHERE "workspaceId" = ${workspaceId} AND direction = 'outbound' AND text LIKE '%soak-a%'`;
  const outStored = new Map<string, number>();
  for (const r of outboundRows) for (const t of new Set(tokensIn(r.text))) outStored.set(t, (outStored.get(t) ?? 0) + 1);
  const answerStored = tally('answers stored (outbound Message)');
  const answerDelivered = tally('answers delivered to the customer');
  const answerEcho = tally('answers echoed to the manager');
  for (const a of traffic.answers) {
    const n = outStored.get(a.token) ?? 0;
    if (a.accepted) once(answerStored, n, a.token);
    else if (n > 1) answerStored.duplicated.push(`${a.token} (not accepted) ×${n}`);
    if (n === 0) continue;
    const to = a.about;
    const toCustomer = (o: Out) =>
      to.channel === 'telegram'
        ? o.channel === 'telegram' && o.to === to.customer
        : to.channel === 'email'
          ? o.channel === 'email' && o.to === to.customer.toLowerCase()
          : o.channel === 'slack' && o.to === to.slackChannel;
    once(answerDelivered, seen(a.token, toCustomer), `${a.token} → ${to.channel} ${to.customer}`);
    once(
      answerEcho,
      seen(a.token, (o) => o.to === a.manager.chatId && isRelayEcho(o.text)),
      a.token,
    );
  }

  // ---- digests ----
  const digestT = tally('digests delivered');
  for (const d of args.digests) {
    if (d.dueAt > now) {
      problems.push(`digest ${d.subscriptionId} not due yet at the check`);
      continue;
    }
    const title = d.kind === 'today' ? 'Your day,' : 'Team digest for';
    once(digestT, out.filter((o) => o.to === d.chatId && !o.photo && o.text.startsWith(title)).length, `subscription ${d.subscriptionId} (${d.kind})`);
  }

  // ---- the delivery ledger against the fakes ----
  const ledgerRows = await db.$queryRaw<
    Array<{ status: string; externalMessageId: string | null; dedupeKey: string; error: string | null; sentAt: Date | null }>
  >`SELECT status, "externalMessageId", "dedupeKey", error, "sentAt" FROM "OutboundDelivery" WHERE "workspaceId" = ${workspaceId}`;
  const ledger: Record<string, number> = {};
  for (const r of ledgerRows) ledger[r.status] = (ledger[r.status] ?? 0) + 1;
  // "coalescing": folded into a summary that was never recorded (its process died, or it is still going)
  const sending = ledgerRows.filter((r) => r.status === 'sending' || r.status === 'coalescing');
  if (sending.length)
    problems.push(
      `${sending.length} ledger row(s) still "sending" or "coalescing": ${sending
        .slice(0, 5)
        .map((r) => r.dedupeKey)
        .join(', ')}`,
    );
  const failed = ledgerRows.filter((r) => r.status === 'failed');
  if (failed.length)
    problems.push(
      `${failed.length} ledger row(s) "failed": ${failed
        .slice(0, 5)
        .map((r) => `${r.dedupeKey} (${r.error})`)
        .join(', ')}`,
    );
  const refs = new Map<string, number>();
  for (const o of out) refs.set(`${o.channel}|${o.ref}`, (refs.get(`${o.channel}|${o.ref}`) ?? 0) + 1);
  const recorded = new Set<string>();
  const phantom: string[] = [];
  // how long after the platform took a message its "sent" record began: the window a SIGKILL turns into a resend
  const telegramAt = new Map(args.bot.accepted.map((m) => [String(m.messageId), m.at]));
  const recordLagMs: number[] = [];
  for (const r of ledgerRows) {
    // a "coalesced" notice names the summary that carried it
    if ((r.status !== 'sent' && r.status !== 'coalesced') || !r.externalMessageId) continue;
    const hit = (['telegram', 'slack', 'email'] as const).find((ch) => refs.has(`${ch}|${r.externalMessageId}`));
    if (hit) recorded.add(`${hit}|${r.externalMessageId}`);
    else phantom.push(`${r.dedupeKey} → ${r.externalMessageId}`);
    const at = hit === 'telegram' ? telegramAt.get(r.externalMessageId) : undefined;
    if (at !== undefined && r.sentAt) recordLagMs.push(r.sentAt.getTime() - at);
  }
  if (phantom.length) problems.push(`${phantom.length} ledger row(s) "sent" that no fake received: ${phantom.slice(0, 5).join(', ')}`);
  // the ledger records a message sent in parts (a chart and its text, a long text) by its last
  // part, the one with the buttons: a Telegram message without buttons may be an earlier part
  const unrecorded = out.filter((o) => (o.channel !== 'telegram' || o.lastPart) && !recorded.has(`${o.channel}|${o.ref}`));
  if (unrecorded.length)
    problems.push(
      `${unrecorded.length} send(s) at the fakes that the ledger does not record: ${unrecorded
        .slice(0, 5)
        .map((o) => `${o.channel} ${o.to}: ${JSON.stringify(o.text.slice(0, 60))}`)
        .join('; ')}`,
    );

  // ---- the same message to one chat twice, whatever it was ----
  const keys = new Map<string, Out[]>();
  for (const o of out) keys.set(o.key, [...(keys.get(o.key) ?? []), o]);
  const twice = [...keys.values()].filter((l) => l.length > 1);
  // the worker killed nearest the first copy: just after it (its record never ran) or just before (the request was on the wire)
  const killedNear = (at: number) =>
    (args.kills ?? [])
      .filter((k) => k.name.startsWith('worker') && k.at - at > -1_000 && k.at - at < 5_000)
      .sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
  for (const l of twice.slice(0, 10)) {
    const first = l[0]!;
    const kill = killedNear(first.at);
    const unrec = l.filter((o) => !recorded.has(`${o.channel}|${o.ref}`)).length;
    const part = first.channel === 'telegram' && !first.lastPart ? 'an earlier part of a message sent in parts' : `${unrec} of them not in the ledger`;
    problems.push(
      `sent ${l.length}× to ${first.channel} ${first.to} at ${l.map((o) => hms(o.at)).join(', ')} (${part})` +
        (kill
          ? `; the SIGKILL of ${kill.name} (pid ${kill.pid}) came ${Math.abs(kill.at - first.at)} ms ${kill.at >= first.at ? 'after' : 'before'} the fake took the first copy: ` +
            'sent, and its process did not live to record it (docs/chat.md, Known limits: send-then-record)'
          : '') +
        `: ${JSON.stringify(first.text.slice(0, 60))}`,
    );
  }
  if (twice.length > 10) problems.push(`… and ${twice.length - 10} more message(s) sent more than once`);

  const rateLimited = { telegram: args.bot.rejected, slack: args.slack.rateLimited };
  if (rateLimited.telegram || rateLimited.slack) {
    const tg = args.bot.refused
      .slice(0, 5)
      .map((r) => `${r.method} to ${r.chatId} ${JSON.stringify(r.text.slice(0, 40))}, ${r.at - r.previousAt} ms after the ${r.limit}'s previous send`);
    problems.push(`429 at the fakes: Telegram ${rateLimited.telegram}${tg.length ? ` (${tg.join('; ')})` : ''}, Slack ${rateLimited.slack}`);
  }

  const tallies = [
    storedT.telegram,
    storedT.slack,
    storedT.email,
    storedT.api,
    notifications,
    acks,
    taskT,
    confirmT,
    remindT,
    remindRows,
    answerStored,
    answerDelivered,
    answerEcho,
    digestT,
  ];
  const waiting = tallies.reduce((n, t) => n + t.missing.length, 0) + sending.length + notDueYet + args.digests.filter((d) => d.dueAt > now).length;
  return {
    tallies,
    problems,
    ledger,
    sends: {
      telegram: args.bot.accepted.length,
      telegramPhotos: args.bot.accepted.filter((m) => m.method === 'sendPhoto').length,
      slack: out.filter((o) => o.channel === 'slack').length,
      email: args.smtp.sent.length,
    },
    rateLimited,
    recordLagMs,
    waiting,
    foldedNotices,
  };
}

/** Failures of a report: anything missing, duplicated, or a problem (the "not due yet" notes included). */
export function failuresOf(report: Report): string[] {
  const out: string[] = [];
  for (const t of report.tallies) {
    if (t.missing.length) out.push(`${t.name}: ${t.missing.length} missing (${t.missing.slice(0, 5).join(', ')}${t.missing.length > 5 ? ', …' : ''})`);
    if (t.duplicated.length)
      out.push(`${t.name}: ${t.duplicated.length} duplicated (${t.duplicated.slice(0, 5).join(', ')}${t.duplicated.length > 5 ? ', …' : ''})`);
  }
  return [...out, ...report.problems];
}
