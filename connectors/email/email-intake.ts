// One raw message from a mailbox (or a file) through the whole intake: parse, look the thread
// up, classify, then hand leads and replies to the chat engine and record permanent bounces
// (delay and success reports and challenge-response mail are recorded, never marked). Idempotent:
// the dedupe key (mailbox + uidvalidity + uid) and the Message-ID make a re-fetch harmless.
import type { Readable } from 'node:stream';
import type { Db } from '../../core/db.js';
import type { Attachment, InboundMessageInput } from '../../core/chat/inbound.js';
import type { EmailAttachment } from '../../core/email/types.js';
import { fileKey, type FileStore } from '../../core/files/file-store.js';
import { baseSubject, isReplySubject } from '../../core/email/classify-email.js';
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
  /** keeps workspace settings and our own addresses for a while (a watcher passes one) */
  cache?: IntakeCache;
  /** where attachments of leads and replies are stored (core/files); without it only their metadata goes on */
  files?: FileStore;
}

/** Per-workspace settings the intake needs for every message, re-read after ttlMs. */
export class IntakeCache {
  private entries = new Map<number, { at: number; value: WorkspaceFacts }>();
  constructor(private readonly ttlMs = 30_000) {}
  async get(db: Db, workspaceId: number): Promise<WorkspaceFacts> {
    const hit = this.entries.get(workspaceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = await workspaceFacts(db, workspaceId);
    this.entries.set(workspaceId, { at: Date.now(), value });
    return value;
  }
}

interface WorkspaceFacts {
  id: number;
  phoneRegion: string;
  own: string[];
}

async function workspaceFacts(db: Db, workspaceId: number): Promise<WorkspaceFacts> {
  const workspace = await db.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, phoneRegion: true } });
  if (!workspace) throw new Error(`email for unknown workspace ${workspaceId}`);
  return { ...workspace, own: await ownAddresses(db, workspaceId) };
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
  const workspace = deps.cache ? await deps.cache.get(db, target.workspaceId) : await workspaceFacts(db, target.workspaceId);

  // the classifier is pure: everything it may ask is looked up first
  const known = await knownMessageIds(db, workspace.id, threadLookupKeys(parsed));
  const subject = baseSubject(parsed.subject);
  const sameSubject =
    parsed.from && subject && isReplySubject(parsed.subject) ? await hasOpenConversation(db, workspace.id, parsed.from.address, subject) : false;
  const email = understandEmail(parsed, {
    ownAddresses: workspace.own,
    knownThread: (keys) => keys.some((k) => known.has(k)),
    knownContactSubject: () => sameSubject,
    phoneRegion: workspace.phoneRegion,
  });

  if (email.reachesLeadFlow) {
    const message = toInboundMessage(email, {
      workspaceId: workspace.id,
      mailboxId: target.mailboxId,
      dedupeKey: target.dedupeKey,
      receivedAt: target.receivedAt ?? new Date(),
    });
    if (deps.files) message.attachments = await storeAttachments(deps.files, workspace.id, message, parsed.attachments);
    await deps.deliver(message);
    return { email, fresh: true, bouncesRecorded: 0 };
  }
  const { count } = await db.inboundEvent.createMany({
    data: [{ dedupeKey: target.dedupeKey, source: `email:${email.kind}`, processedAt: new Date() }],
    skipDuplicates: true,
  });
  if (count === 0) return { email, fresh: false, bouncesRecorded: 0 };
  // only a permanent failure marks an address: never a delay or success report, a 4.x.x
  // failure or a challenge-response filter (their kinds carry no undeliverable recipients)
  const bouncesRecorded = email.undeliverableRecipients.length ? await recordBounce(db, workspace.id, email.undeliverableRecipients, email.reason) : 0;
  return { email, fresh: true, bouncesRecorded };
}

/**
 * The attachments' contents stored before the message is queued (the queue carries their keys,
 * never the bytes); a part over EMAIL_MAX_ATTACHMENT_BYTES was not kept by the parser and is
 * marked too large, so the manager is told. The keys depend on the message only: a re-fetched
 * mail overwrites the same files.
 */
async function storeAttachments(files: FileStore, workspaceId: number, m: InboundMessageInput, parts: EmailAttachment[]): Promise<Attachment[]> {
  const listed = (m.attachments ?? []) as Attachment[];
  const out: Attachment[] = [];
  for (const [index, a] of listed.entries()) {
    const part = parts[index];
    if (!part?.kept || !part.content) {
      out.push(part && !part.kept ? { ...a, unavailable: 'too_large' } : a);
      continue;
    }
    const key = fileKey({
      workspaceId,
      channel: 'email',
      externalUserId: m.externalUserId,
      messageId: `${m.externalChatId}:${m.messageExternalId}`,
      index,
      name: a.name,
      kind: a.kind,
    });
    await files.put(key, part.content, { mime: part.mime });
    out.push({ ...a, storageKey: key, size: part.content.byteLength });
  }
  return out;
}
