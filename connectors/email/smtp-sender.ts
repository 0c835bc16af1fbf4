// The email ChannelSender (nodemailer): a manager's answer goes out from the workspace's
// mailbox with In-Reply-To/References and a "Re:" subject, under a Message-ID we choose, so
// the customer's next answer threads back into the same conversation.
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../../core/db.js';
import { PermanentSendError, type ChannelSender, type OutboundMessage, type SendResult } from '../../core/ports.js';
import { normaliseMessageId } from '../../core/email/thread-key.js';
import { parseSmtpUrl } from './mailbox-url.js';

interface MailboxRow {
  id: number;
  smtpUrl: string;
  fromAddress: string;
  updatedAt: Date;
}

export class SmtpEmailSender implements ChannelSender {
  private transports = new Map<number, { key: string; transport: Transporter }>();

  constructor(
    private readonly db: Db,
    private readonly options: { connectionTimeoutMs?: number } = {},
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const to = message.chatId.trim();
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to)) throw new PermanentSendError(`not an e-mail address: ${to}`, 'bad_address');
    let inReplyTo = headerIds(message.headers?.['In-Reply-To'] ?? message.replyToExternalId);
    let subject = message.subject ?? '';
    // a bulk mail (a mailing: Precedence: bulk) starts a message of its own, never a reply in a thread
    const bulk = /^bulk$/i.test(message.headers?.Precedence ?? '');
    if (!inReplyTo.length && !bulk) {
      // an acknowledgement or a push without thread headers still answers the customer's last mail
      const last = await this.lastInbound(to);
      if (last) {
        inReplyTo = [last.externalId];
        subject ||= last.subject ?? '';
      }
    }
    const references = [...new Set([...headerIds(message.headers?.References), ...inReplyTo])];
    const mailbox = await this.mailboxFor(to, inReplyTo);
    const from = mailbox.fromAddress;
    const domain = (/@([^\s<>]+)/.exec(from)?.[1] ?? 'leadline.local').replace(/>$/, '');
    const messageId = `<${randomUUID()}@${domain}>`;
    try {
      await this.transport(mailbox).sendMail({
        from,
        to,
        subject: inReplyTo.length && subject && !/^\s*re\s*:/i.test(subject) ? `Re: ${subject}` : subject,
        text: message.text,
        messageId,
        ...(extraHeaders(message.headers) ? { headers: extraHeaders(message.headers) } : {}),
        ...(inReplyTo.length ? { inReplyTo: `<${inReplyTo[0]}>`, references: references.map((r) => `<${r}>`) } : {}),
        ...(message.image || message.files?.length
          ? {
              attachments: [
                ...(message.image ? [{ filename: message.image.filename, content: Buffer.from(message.image.png), contentType: 'image/png' }] : []),
                ...(message.files ?? []).map((f) => ({ filename: f.name, content: Buffer.from(f.bytes), contentType: f.mime ?? 'application/octet-stream' })),
              ],
            }
          : {}),
      });
    } catch (e) {
      const err = e as { responseCode?: number; code?: string; message?: string };
      if ((err.responseCode && err.responseCode >= 500) || err.code === 'EENVELOPE') {
        throw new PermanentSendError(`SMTP refused the message: ${err.message ?? String(e)}`, `smtp_${err.responseCode ?? err.code}`);
      }
      throw e;
    }
    return { externalMessageId: normaliseMessageId(messageId) };
  }

  async close(): Promise<void> {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private async lastInbound(to: string): Promise<{ externalId: string; subject: string | null } | null> {
    const identities = await this.db.identity.findMany({ where: { channel: 'email', chatId: to }, select: { id: true } });
    if (!identities.length) return null;
    const conversation = await this.db.conversation.findFirst({
      where: { channel: 'email', identityId: { in: identities.map((i) => i.id) } },
      orderBy: { lastMessageAt: 'desc' },
      select: { id: true, subject: true },
    });
    if (!conversation) return null;
    const last = await this.db.message.findFirst({
      where: { conversationId: conversation.id, direction: 'inbound', externalId: { not: null } },
      orderBy: { createdAt: 'desc' },
      select: { externalId: true },
    });
    return last?.externalId ? { externalId: normaliseMessageId(last.externalId), subject: conversation.subject } : null;
  }

  /** The mailbox of the workspace the thread (or else the recipient) belongs to. */
  private async mailboxFor(to: string, inReplyTo: string[]): Promise<MailboxRow> {
    let workspaceId: number | undefined;
    if (inReplyTo.length) {
      const m = await this.db.message.findFirst({ where: { channel: 'email', externalId: { in: inReplyTo } }, select: { workspaceId: true } });
      workspaceId = m?.workspaceId;
    }
    if (workspaceId === undefined) {
      const identity = await this.db.identity.findFirst({ where: { channel: 'email', chatId: to }, orderBy: { id: 'desc' }, select: { workspaceId: true } });
      workspaceId = identity?.workspaceId;
    }
    if (workspaceId === undefined) throw new PermanentSendError(`no workspace knows ${to}`, 'unknown_recipient');
    const mailbox = await this.db.mailbox.findFirst({
      where: { workspaceId, active: true },
      orderBy: { id: 'asc' },
      select: { id: true, smtpUrl: true, fromAddress: true, updatedAt: true },
    });
    if (!mailbox) throw new PermanentSendError(`workspace ${workspaceId} has no active mailbox to send from`, 'no_mailbox');
    return mailbox;
  }

  private transport(mailbox: MailboxRow): Transporter {
    const key = `${mailbox.smtpUrl}|${mailbox.updatedAt.getTime()}`;
    const cached = this.transports.get(mailbox.id);
    if (cached?.key === key) return cached.transport;
    cached?.transport.close();
    const server = parseSmtpUrl(mailbox.smtpUrl);
    const transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.secure,
      auth: server.user ? { user: server.user, pass: server.pass } : undefined,
      connectionTimeout: this.options.connectionTimeoutMs ?? 30_000,
    });
    this.transports.set(mailbox.id, { key, transport });
    return transport;
  }
}

/** Headers to send as they are (List-Unsubscribe, Precedence ...): all but the threading ones set above. */
function extraHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(in-reply-to|references)$/i.test(k)));
  return Object.keys(out).length ? out : undefined;
}

/** Message-IDs from a header value ("<a@x> <b@y>" or a bare id), normalised. */
function headerIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  const ids = bracketed.length ? bracketed : value.split(/[\s,]+/);
  return ids.map(normaliseMessageId).filter((id) => id.includes('@'));
}
