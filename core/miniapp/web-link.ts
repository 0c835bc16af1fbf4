// The "open the board in a browser" button (miniapp:link:0; Slack's App Home shows it): the
// presser gets, in their own chat, a link to the web view signed for them alone, working for
// MINIAPP_LINK_TTL_MINUTES. Without MINIAPP_URL and MINIAPP_LINK_SECRET it says so.
import type { Actor } from '../actor.js';
import { t } from '../i18n/index.js';
import type { Turn } from '../chat/turn.js';
import { reply, type Reply } from '../chat/reply.js';
import { webViewUrl } from './web-token.js';

export const WEB_LINK_ACTION = 'miniapp:link:0';

export function webViewLinkReply(turn: Turn, actor: Actor): Reply[] {
  const links = turn.deps.webView;
  if (!links) return [reply(t(actor.locale, 'miniapp.link.off'))];
  const url = webViewUrl(links, { workspaceId: actor.workspaceId, userId: actor.userId }, turn.now);
  return [reply(t(actor.locale, 'miniapp.link.dm', { minutes: links.ttlMinutes, url }))];
}
