// imap://USER:PASS@HOST:PORT[/FOLDER] and smtp(s)://USER:PASS@HOST:PORT, parsed with clear
// errors; and a description of a mailbox that never contains the secrets.

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  pass: string;
  secure: boolean;
}

export class MailboxUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailboxUrlError';
  }
}

function parse(url: string, protocols: Record<string, { port: number; secure: boolean }>, what: string): URL & { defaults: { port: number; secure: boolean } } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MailboxUrlError(`${what} must be a URL like ${Object.keys(protocols)[0]}://USER:PASS@HOST:PORT`);
  }
  const proto = u.protocol.replace(/:$/, '');
  const defaults = protocols[proto];
  if (!defaults)
    throw new MailboxUrlError(
      `${what} must start with ${Object.keys(protocols)
        .map((p) => p + '://')
        .join(' or ')}`,
    );
  if (!u.hostname) throw new MailboxUrlError(`${what} has no host`);
  if (!u.username) throw new MailboxUrlError(`${what} has no user name (USER:PASS@HOST)`);
  return Object.assign(u, { defaults });
}

export function parseImapUrl(url: string, tls = false): ServerAddress & { folder: string } {
  const u = parse(url, { imap: { port: 143, secure: false }, imaps: { port: 993, secure: true } }, 'the IMAP URL');
  const secure = tls || u.defaults.secure;
  const folder = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX';
  return {
    host: u.hostname,
    port: Number(u.port) || (secure ? 993 : 143),
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    secure,
    folder,
  };
}

export function parseSmtpUrl(url: string): ServerAddress {
  const u = parse(url, { smtp: { port: 587, secure: false }, smtps: { port: 465, secure: true } }, 'the SMTP URL');
  return {
    host: u.hostname,
    port: Number(u.port) || u.defaults.port,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    secure: u.defaults.secure,
  };
}

/** "imap://sales@mail.example.com:993/INBOX": the user stays (it says which account), the password never. */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return '(invalid URL)';
  }
}
