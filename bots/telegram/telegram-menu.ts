// The bot's menu button (beside the message field in a private chat) opens the Mini App:
// setChatMenuButton with a web_app button, for every chat (no chat_id = the bot's default).
// Set at start-up by the telegram role when MINIAPP_URL is an https URL; a failure is
// logged and start-up goes on (the bot works without the button).
import type { Api } from 'grammy';
import { t, type Locale } from '../../core/i18n/index.js';
import type { Logger } from '../../connectors/logger.js';

export async function setMiniAppMenuButton(api: Pick<Api, 'setChatMenuButton'>, url: string, locale: Locale, logger?: Logger): Promise<boolean> {
  try {
    await api.setChatMenuButton({ menu_button: { type: 'web_app', text: t(locale, 'miniapp.menu_button'), web_app: { url } } });
    return true;
  } catch (err) {
    logger?.warn({ err }, 'telegram: setting the Mini App menu button failed');
    return false;
  }
}
