// Challenge-response filters (Boxbe, SpamArrest, Mailinblack, ChoiceMail ...): the recipient's
// filter holds our message and asks us to prove we are human or to add ourselves to a list.
// Not a customer writing, not a failed address: the address works, a person is behind it.
import { isAutoSubmitted } from './bounce.js';
import { domainOf, isRobotSender, isSystemSender } from './senders.js';
import type { ParsedEmail } from './types.js';

/** Services whose only mail to a stranger is a challenge. */
const CHALLENGE_DOMAINS = /(^|\.)(boxbe\.com|spamarrest\.com|mailinblack\.com|bluebottle\.com|digiportal\.com|choicemail\.com|sendio\.com|vanquish\.com)$/i;

// What a challenge asks for, in the languages our customers' filters speak.
const CHALLENGE_TEXT = new RegExp(
  [
    '(verify|confirm|prove)( that)? you( a|\\x27)?re (a )?(human|real person|not a (ro)?bot)',
    '(verify|confirm) (your )?(e-?mail )?(address|identity|message) (so|before|in order)',
    'add yourself to my [\\w -]{0,20}(guest|approved|allowed|safe|white) ?list',
    '(guest|approved senders?|allowed senders?) list',
    'has been (waitlisted|held for (your )?(verification|confirmation)|quarantined until)',
    '(is|are) (waiting|held|pending) (for )?(your )?(verification|confirmation|authentication)',
    'sender (verification|authentication) (request|required)',
    'challenge[- ]response',
    'not pre-?approved',
    'i (use|am using) (an? )?(anti-?spam|spam[- ]?(filter|blocker|protection))',
    'подтвердите,? что вы (не робот|человек)',
    'письмо (будет|было) доставлено (после|только после) подтверждения',
    'bestätigen sie, dass sie (ein mensch|kein roboter)',
    'confirme[rz]? que vous (êtes|n\\x27êtes pas)',
    'confirme que (es|eres|usted es) (una persona|humano)',
    'potwierdź, że (jesteś człowiekiem|nie jesteś robotem)',
  ].join('|'),
  'i',
);

export function detectChallenge(parsed: ParsedEmail): string | null {
  const addresses = [parsed.from?.address, parsed.returnPath, ...parsed.replyTo.map((a) => a.address)].filter((a): a is string => Boolean(a));
  const provider = addresses.map(domainOf).find((d) => CHALLENGE_DOMAINS.test(d));
  const boxbeNotice = /x-boxbe/i.test(parsed.deliveryStatus) || Object.keys(parsed.headers.raw).some((k) => k.startsWith('x-boxbe'));
  if (boxbeNotice) return 'challenge-response filter (Boxbe notice: sender not pre-approved)';
  const text = `${parsed.subject}\n${parsed.text.slice(0, 5000)}`;
  const asks = CHALLENGE_TEXT.exec(text);
  if (provider && (asks || parsed.from?.address?.endsWith(provider))) {
    return `challenge-response filter (${provider}${asks ? `: "${asks[0].slice(0, 60)}"` : ''})`;
  }
  if (!asks) return null;
  // the wording alone is not enough (a person may write it): the mail must also be machine-sent
  const machine =
    isAutoSubmitted(parsed.headers.autoSubmitted) ||
    parsed.returnPath === '' ||
    isRobotSender(parsed.from?.address) ||
    isSystemSender(parsed.from?.address, parsed.from?.name) ||
    parsed.headers.contentType === 'multipart/report' ||
    (parsed.headers.precedence !== null && /^(bulk|junk|auto_reply)/i.test(parsed.headers.precedence));
  return machine ? `challenge-response filter ("${asks[0].slice(0, 60)}", machine-sent)` : null;
}
