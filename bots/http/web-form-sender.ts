// The `web` channel's sender: a web form has no chat to answer in, so a message meant for a
// customer who came through a form or the API (a manager's reply; no acknowledgement is queued
// to them, core/channels.ts hasChat) is a permanent refusal. The delivery ledger records it,
// the identity is marked unreachable and the manager who replied is told
// (core/outbound/deliver.ts): they call or e-mail the customer, whose phone and e-mail the
// form put on the contact.
import { PermanentSendError, type ChannelSender, type OutboundMessage, type SendResult } from '../../core/ports.js';

export const WEB_NO_REPLY_REASON = 'web form: no chat to answer in; use the phone or e-mail on the contact';

export class WebFormSender implements ChannelSender {
  async send(_message: OutboundMessage): Promise<SendResult> {
    throw new PermanentSendError('a web form has no reply channel', WEB_NO_REPLY_REASON);
  }
}
