// Who sent a message, as far as the address tells: the mail system, a robot/no-reply sender,
// a free-mail provider. Shared by the classifier and the contact extraction.

/** Local parts the mail system itself sends from (bounces, delivery reports). */
const SYSTEM_LOCAL =
  /^(mailer-daemon|post_master|mailer_daemon|maildaemon|mail-daemon|postmaster|mail\.?delivery|mdaemon|mail-?delivery-?(subsystem|system)?|mailerdaemon|bounces?|bounce-?notification|mail-?router|smtp|root|nobody|daemon|internet-?mail-?service|dmarc(-?reports?)?|abuse)$/i;
const SYSTEM_NAME =
  /^(mail delivery (subsystem|system|service)|mailer[- ]?daemon|postmaster|mail administrator|system administrator|internet mail delivery|microsoft outlook|mail delivery|служба доставки почты|почтовая служба)/i;

/** Local parts of robots and forms: replies go to Reply-To, never to this address. */
const ROBOT_LOCAL =
  /^(no-?reply|do-?not-?reply|donotreply|dont-?reply|noreply[-._a-z0-9]*|no_reply|mailer|forms?|webform|web-?forms?|site|website|wordpress|robot|notif(y|ications?)|alerts?|automailer|tilda|bitrix|formspree|typeform|jotform|wix|info-noreply)$/i;

export function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .toLowerCase()
        .replace(/\.$/, '');
}

export function isSystemSender(address: string | null | undefined, name?: string | null): boolean {
  if (address && SYSTEM_LOCAL.test(localPart(address))) return true;
  return Boolean(name && (SYSTEM_NAME.test(name.trim()) || /^\W*(mailer-daemon|postmaster)\b/i.test(name.trim())));
}

export function isRobotSender(address: string | null | undefined): boolean {
  if (!address) return false;
  const local = localPart(address);
  return ROBOT_LOCAL.test(local) || /(^|[-_.])no-?reply([-_.]|$)/i.test(local);
}

/** Free-mail providers: their domain says nothing about the sender's company. */
export const DEFAULT_FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'yandex.ua',
  'yandex.by',
  'yandex.kz',
  'ya.ru',
  'bk.ru',
  'list.ru',
  'inbox.ru',
  'internet.ru',
  'rambler.ru',
  'lenta.ru',
  'ro.ru',
  'autorambler.ru',
  'myrambler.ru',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'zoho.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  'mail.com',
  'qip.ru',
  'ukr.net',
  'tut.by',
  'yahoo.co.uk',
  'hotmail.co.uk',
  'qq.com',
  '163.com',
  '126.com',
  'fastmail.com',
  'tutanota.com',
  'hey.com',
  'inbox.lv',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'libero.it',
  'orange.fr',
  'free.fr',
  'laposte.net',
  't-online.de',
  'freenet.de',
  // internet providers' consumer mailboxes: the domain is the provider, not the sender's company
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'bellsouth.net',
  'cox.net',
  'charter.net',
  'earthlink.net',
  'optonline.net',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'wanadoo.fr',
  'sfr.fr',
  'neuf.fr',
  'arcor.de',
  'bluewin.ch',
  'telenet.be',
  'shaw.ca',
  'rogers.com',
  'bigpond.com',
  'nyc.rr.com',
];

/** Patterns for provider families with many country domains (gmx.*, yahoo.*, hotmail.*, outlook.*, live.*). */
const FREE_MAIL_FAMILIES = /^(gmx|yahoo|hotmail|outlook|live|windowslive|aol|icloud|yandex|zoho)\.[a-z.]{2,8}$/;

export function isFreeMailDomain(domain: string, list: readonly string[] = DEFAULT_FREE_MAIL_DOMAINS): boolean {
  const d = domain.toLowerCase();
  return list.includes(d) || FREE_MAIL_FAMILIES.test(d);
}
