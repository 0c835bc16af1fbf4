// Coalescing notices. A team member's chat offered more notices about customers' messages
// than its platform limit lets through (Telegram: one message a second per chat) gets them
// folded into one message instead of a queue that grows without end:
//
//   📥 5 new messages from 3 customers:
//   • Ivan Petrov, lead #12 (3 messages): Do you have the blue one in stock…
//   • Anna, lead #13: Hello, I need an offer for 20 licenses
//   • Oleg, lead #14: Price?
//   Each in full: /lead N.
//
//   The latest, from Oleg. A reply to this message goes to them:
//   <the latest notice as it would have been sent, with its buttons>
//
// What holds (the mechanism is the outbound queue's: connectors/queue/rate-limit.ts
// reserveFold/acquireFold, core/outbound/deliver.ts):
// - Nothing is lost: every customer's message is stored on its lead before its notice is
//   queued; folding changes only how the manager is told. Each folded notice's ledger row
//   (OutboundDelivery) ends "coalesced", naming the summary's platform message and the notice
//   that carried it, so every notice is accounted for exactly once: "sent" or "coalesced".
// - A notice is folded only while it waits for its chat: the first notice to a quiet chat goes
//   out alone at once; while the chat's clock holds the next ones back, they gather, and the
//   next message carries up to FOLD_MAX of them. State is in Redis and Postgres, so this
//   holds across worker processes.
// - A reply to a summary answers the customer whose message it shows in full (the latest),
//   exactly as the buttons under it act on that customer's lead; the others are one
//   /lead N away (their own notices are not sent separately).
import { z } from 'zod';
import type { Button, NoticeInfo, OutboxItem } from '../ports.js';
import { t, type Locale } from '../i18n/index.js';
import { escapedLength, fitEscaped } from '../text/sanitize.js';
import { leadButtons } from '../chat/notify.js';

/** How many other notices one message may carry (its text stays within one Telegram message). */
export const FOLD_MAX = 40;

/** A summary's whole text, in escaped characters: within one Telegram message (4,096). */
const SUMMARY_BUDGET = 4000;
/** The list of customers with their snippets; beyond it the lines drop their snippets. */
const LIST_BUDGET = 2400;
/** A customer's name in a summary line. */
const NAME_CHARS = 40;

/** A notice as it waits to be folded: what a summary needs of it. */
export interface FoldedNotice {
  dedupeKey: string;
  text: string;
  buttons?: Button[][];
  ref?: OutboxItem['ref'];
  notice: NoticeInfo;
}

/**
 * A notice that may be folded: it says what it is about and has a dedupe key (its ledger row).
 * One that carries files is sent as it is (a summary carries text, not other notices' files).
 */
export function foldable(item: OutboxItem): item is OutboxItem & { notice: NoticeInfo; dedupeKey: string } {
  return Boolean(item.notice && item.dedupeKey && !item.files?.length);
}

export function foldedNotice(item: OutboxItem & { notice: NoticeInfo; dedupeKey: string }): FoldedNotice {
  const out: FoldedNotice = { dedupeKey: item.dedupeKey, text: item.text, notice: item.notice };
  if (item.buttons?.length) out.buttons = item.buttons;
  if (item.ref) out.ref = item.ref;
  return out;
}

const idNum = z.number().int().positive();
const foldedSchema = z.object({
  dedupeKey: z.string().min(1),
  text: z.string(),
  buttons: z.array(z.array(z.object({ label: z.string(), data: z.string(), webApp: z.string().optional() }))).optional(),
  ref: z
    .object({ userId: idNum.optional(), conversationId: idNum.optional(), leadId: idNum.optional(), dealId: idNum.optional(), taskId: idNum.optional() })
    .optional(),
  notice: z.object({ name: z.string(), leadId: idNum.optional(), dealId: idNum.optional(), snippet: z.string(), locale: z.enum(['en', 'ru']) }),
});

/** A folded notice as it was registered (JSON); null when it does not read as one. */
export function parseFoldedNotice(json: string): FoldedNotice | null {
  try {
    const r = foldedSchema.safeParse(JSON.parse(json));
    return r.success ? (r.data as FoldedNotice) : null;
  } catch {
    return null;
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '') + '…';
}

interface Group {
  name: string;
  leadId?: number;
  count: number;
  snippet: string;
}

/**
 * The message that carries `notices` (oldest first; at least two): the count, one line per
 * customer (one per message when they are all one customer's), then the latest notice's own
 * text, buttons and reference (so a reply and the buttons act on that customer).
 */
export function summaryOf(notices: FoldedNotice[]): Pick<OutboxItem, 'text' | 'buttons' | 'ref'> {
  const latest = notices.at(-1)!;
  const locale: Locale = latest.notice.locale;
  const groups = new Map<string, Group>();
  for (const n of notices) {
    const id = n.notice.leadId ? `lead:${n.notice.leadId}` : n.notice.dealId ? `deal:${n.notice.dealId}` : `name:${n.notice.name}`;
    const g = groups.get(id);
    if (g) {
      g.count++;
      g.snippet = n.notice.snippet;
    } else groups.set(id, { name: cut(n.notice.name, NAME_CHARS), leadId: n.notice.leadId, count: 1, snippet: n.notice.snippet });
  }
  const messages = t(locale, 'chat.notify.folded_messages', { count: notices.length });
  const lines: string[] = [];
  if (groups.size === 1) {
    const only = [...groups.values()][0]!;
    lines.push(t(locale, 'chat.notify.folded_from_one', { messages, name: only.name }));
    // every message's start but the latest's, which follows in full
    for (const n of notices.slice(0, -1)) lines.push(t(locale, 'chat.notify.folded_line_message', { snippet: n.notice.snippet }));
  } else {
    lines.push(t(locale, 'chat.notify.folded_from_many', { messages, count: groups.size }));
    const line = (g: Group, withSnippet: boolean) => {
      const count = g.count > 1 ? t(locale, 'chat.notify.folded_count', { count: g.count }) : '';
      if (!withSnippet)
        return g.leadId
          ? t(locale, 'chat.notify.folded_line_lead_short', { name: g.name, leadId: g.leadId })
          : t(locale, 'chat.notify.folded_line_short', { name: g.name, count });
      return g.leadId
        ? t(locale, 'chat.notify.folded_line_lead', { name: g.name, leadId: g.leadId, count, snippet: g.snippet })
        : t(locale, 'chat.notify.folded_line', { name: g.name, count, snippet: g.snippet });
    };
    let list = [...groups.values()].map((g) => line(g, true));
    if (escapedLength(list.join('\n')) > LIST_BUDGET) list = [...groups.values()].map((g) => line(g, false));
    lines.push(...list);
    if ([...groups.values()].some((g) => g.leadId)) lines.push(t(locale, 'chat.notify.folded_open'));
  }
  const head = `${lines.join('\n')}\n\n${t(locale, 'chat.notify.folded_latest', { name: cut(latest.notice.name, NAME_CHARS) })}\n`;
  const fit = fitEscaped(latest.text, Math.max(300, SUMMARY_BUDGET - escapedLength(head)));
  let text = head + fit.text;
  if (fit.rest > 0) {
    const leadId = latest.notice.leadId;
    text += '\n' + (leadId ? t(locale, 'chat.notify.truncated', { count: fit.rest, leadId }) : t(locale, 'chat.notify.truncated_no_lead', { count: fit.rest }));
  }
  const buttons = latest.buttons ?? (latest.notice.leadId ? leadButtons(locale, latest.notice.leadId) : undefined);
  return { text, ...(buttons ? { buttons } : {}), ...(latest.ref ? { ref: latest.ref } : {}) };
}
