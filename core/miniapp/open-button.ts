// The button that opens the Mini App board under what a member is pushed (a new lead's
// notification, a digest). Telegram opens web_app buttons only for https URLs, and only in
// private chats (telegram-render.ts makes it a plain link elsewhere); Slack leaves it out.
import { t, type Locale } from '../i18n/index.js';
import type { Button } from '../ports.js';

/** The Mini App's URL when Telegram can open it as a web app (https), else undefined. */
export function miniAppButtonUrl(url: string | undefined): string | undefined {
  return url?.startsWith('https:') ? url : undefined;
}

/** One row with the "Open the board" button, or none when there is no https Mini App URL or the member is not on Telegram. */
export function miniAppButtonRow(locale: Locale, url: string | undefined, channel: string | null): Button[][] {
  const openable = miniAppButtonUrl(url);
  return openable && channel === 'telegram' ? [[{ label: t(locale, 'miniapp.open_button'), data: 'miniapp:open:0', webApp: openable }]] : [];
}
