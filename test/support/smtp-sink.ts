// A local SMTP server that captures every mail Leadline sends, parsed, for assertions.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpSink {
  port: number;
  /** every mail received so far, in arrival order */
  sent: ParsedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sent: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (_auth, _session, cb) => cb(null, { user: 'sales' }),
    onData: (stream, _session, cb) => {
      simpleParser(stream)
        .then((m) => (sent.push(m), cb()))
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as { port: number }).port,
    sent,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
