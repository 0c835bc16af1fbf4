// A sales mailbox as production wires it, for end-to-end tests on a chat stack: a private
// Dovecot with a folder of the test's own, an SMTP sink that captures what Leadline sends, the
// Mailbox row, and a started MailboxWatcher (IMAP IDLE) handing each mail through the e-mail
// intake to the stack's inbound queue (its attachments kept in `files` when given). Everything
// stops with the stack.
import { randomUUID } from 'node:crypto';
import { startDovecot, type DovecotServer } from './dovecot.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import type { ChatBase } from './chat-stack.js';
import { MailboxWatcher, dedupeKeyFor } from '../../connectors/email/mailbox-watcher.js';
import { ingestRawEmail, type IntakeDeps } from '../../connectors/email/email-intake.js';

export interface WatchedMailbox {
  dovecot: DovecotServer;
  /** the watched folder: deliver the test's mail there */
  folder: string;
  smtp: SmtpSink;
  watcher: MailboxWatcher;
}

export async function watchedMailbox(
  stack: Pick<ChatBase, 'db' | 'ws' | 'logger' | 'inbound' | 'onClose'>,
  options: { files?: IntakeDeps['files'] } = {},
): Promise<WatchedMailbox> {
  const { db, ws, logger, inbound } = stack;
  const smtp = await startSmtpSink();
  stack.onClose(() => smtp.close());
  const dovecot = await startDovecot();
  stack.onClose(() => dovecot.stop());
  const folder = `E2E${randomUUID().slice(0, 8)}`;
  await dovecot.createFolder(folder);
  const mailbox = await db.mailbox.create({
    data: {
      workspaceId: ws.id,
      name: 'sales',
      folder,
      imapUrl: dovecot.imapUrl,
      smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
      fromAddress: 'Sales <sales@leadline.test>',
    },
  });
  const watcher = new MailboxWatcher({
    db,
    mailboxId: mailbox.id,
    pollIntervalMs: 60_000, // IDLE does the work
    logger,
    handle: async (m) => {
      await ingestRawEmail(
        { db, limits: { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 }, deliver: (msg) => inbound.enqueue(msg), files: options.files },
        { workspaceId: m.workspaceId, mailboxId: m.mailboxId, dedupeKey: dedupeKeyFor(m), receivedAt: m.internalDate ?? new Date() },
        m.source,
      );
    },
  });
  await watcher.start();
  stack.onClose(() => watcher.stop());
  return { dovecot, folder, smtp, watcher };
}
