// One raw message from a mailbox (or a file) through the whole intake: parse, look the thread
// up, classify, then hand leads and replies to the chat engine and record bounces. Idempotent:
// the dedupe key (mailbox + uidvalidity + uid) and the Message-ID make a re-fetch harmless.
import type { Readable } from 'node:stream';
import type { Db } from '../../core/db.js';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { baseSubject } from '../../core/email/classify-email.js';
import { hasOpenConversation, knownMessageIds, recordBounce } from '../../core/email/record-bounce.js';
import { threadLookupKeys } from '../../core/email/thread-key.js';
import { toInboundMessage } from '../../core/email/to-inbound-message.js';
import { understandEmail, type InboundEmail } from '../../core/email/understand-email.js';
import { parseEmail, type ParseLimits } from './parse-email.js';

export interface IntakeDeps {
  db: Db;
  limits: ParseLimits;
  /** hands a lead/reply to the chat engine (the inbound queue, or handleInbound directly) */
  deliver: (message: InboundMessageInput) => Promise<void>;
}

export interface IntakeTarget {
  workspaceId: number;
  mailboxId?: number;
  dedupeKey: string;
  receivedAt?: Date;
}

export interface IntakeResult {
  email: InboundEmail;
  /** false when this dedupe key was handled before (non-lead kinds; leads dedupe in the chat engine) */
  fresh: boolean;
  bouncesRecorded: number;
}

/** Addresses of the workspace's mailboxes: mail from them is our own copy. */
export async function ownAddresses(db: Db, workspaceId: number): Promise<string[]> {
  const boxes = await db.mailbox.findMany({ where: { workspaceId }, select: { fromAddress: true } });
  return boxes.map((b) => (/<([^<>]+)>/.exec(b.fromAddress)?.[1] ?? b.fromAddress).trim().toLowerCase());
}

export async function ingestRawEmail(deps: IntakeDeps, target: IntakeTarget, source: Buffer | Readable): Promise<IntakeResult> {
  const { db } = deps;
  const parsed = await parseEmail(source, deps.limits);
  const workspace = await db.workspace.findUnique({ where: { id: target.workspaceId }, select: { id: true, phoneRegion: true } });
  if (!workspace) throw new Error(`email for unknown workspace ${target.workspaceId}`);

  // the classifier is pure: everything it may ask is looked up first
  const known = await knownMessageIds(db, workspace.id, threadLookupKeys(parsed));
  const subject = baseSubject(parsed.subject);
  const sameSubject = parsed.from && subject ? await hasOpenConversation(db, workspace.id, parsed.from.address, subject) : false;
  const email = understandEmail(parsed, {
    ownAddresses: await ownAddresses(db, workspace.id),
    knownThread: (keys) => keys.some((k) => known.has(k)),
    knownContactSubject: () => sameSubject,
    phoneRegion: workspace.phoneRegion,
  });

  if (email.reachesLeadFlow) {
    await deps.deliver(toInboundMessage(email, { workspaceId: workspace.id, mailboxId: target.mailboxId, dedupeKey: target.dedupeKey, receivedAt: target.receivedAt ?? new Date() }));
    return { email, fresh: true, bouncesRecorded: 0 };
  }
  const { count } = await db.inboundEvent.createMany({
    data: [{ dedupeKey: target.dedupeKey, source: `email:${email.kind}`, processedAt: new Date() }],
    skipDuplicates: true,
  });
  if (count === 0) return { email, fresh: false, bouncesRecorded: 0 };
  const bouncesRecorded = email.kind === 'bounce' ? await recordBounce(db, workspace.id, email.bouncedRecipients, email.reason) : 0;
  return { email, fresh: true, bouncesRecorded };
}
