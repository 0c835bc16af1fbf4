// The bot's menu button opens the Mini App: one setChatMenuButton call with a web_app button
// for every chat, named in the workspace's language; a failure is logged, never thrown.
import { describe, expect, it } from 'vitest';
import { setMiniAppMenuButton } from '../../../bots/telegram/telegram-menu.js';

describe('Mini App menu button', () => {
  it('sets a web_app menu button for every chat', async () => {
    const calls: unknown[] = [];
    const api = { setChatMenuButton: async (args: unknown) => void calls.push(args) } as never;
    expect(await setMiniAppMenuButton(api, 'https://crm.example.com/miniapp/', 'ru')).toBe(true);
    expect(calls).toEqual([{ menu_button: { type: 'web_app', text: 'Воронка', web_app: { url: 'https://crm.example.com/miniapp/' } } }]);
  });

  it('logs a refusal and goes on', async () => {
    const warned: unknown[] = [];
    const api = {
      setChatMenuButton: async () => {
        throw new Error('Bad Request: WEB_APP_URL_INVALID');
      },
    } as never;
    const logger = { warn: (obj: unknown) => void warned.push(obj) } as never;
    expect(await setMiniAppMenuButton(api, 'https://crm.example.com/miniapp/', 'en', logger)).toBe(false);
    expect(warned).toHaveLength(1);
  });
});
