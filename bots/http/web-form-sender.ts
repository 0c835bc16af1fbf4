// The `web` channel's sender: a web form has no chat to answer in. Nothing is queued to a
// customer who came through a form or the API (core/channels.ts hasChat: no acknowledgement,
// and a manager's answer is refused before it is stored, core/chat/relay.ts); anything that
// still arrives here is a permanent refusal. The delivery ledger records it, the identity is
// marked unreachable and the member who sent it is told (core/outbound/deliver.ts).
import { PermanentSendError, type ChannelSender, type OutboundMessage, type SendResult } from '../../core/ports.js';

export const WEB_NO_REPLY_REASON = 'web form: no chat to answer in; use the phone or e-mail on the contact';

export class WebFormSender implements ChannelSender {
  async send(_message: OutboundMessage): Promise<SendResult> {
    throw new PermanentSendError('a web form has no reply channel', WEB_NO_REPLY_REASON);
  }
}
