// What Telegram gives the page: initData (window.Telegram.WebApp, or the tgWebAppData hash
// parameter Telegram puts in the URL), the theme (CSS variables), the user's language; or,
// in a plain browser, the web-view token of a link Leadline sent (#token=...).
interface WebApp {
  initData?: string;
  initDataUnsafe?: { user?: { language_code?: string } };
  themeParams?: Record<string, string>;
  ready?: () => void;
  expand?: () => void;
  HapticFeedback?: { notificationOccurred?: (kind: string) => void };
}
declare global {
  interface Window {
    Telegram?: { WebApp?: WebApp };
  }
}

function hashParams(): URLSearchParams {
  return new URLSearchParams(window.location.hash.replace(/^#/, ''));
}

export function webApp(): WebApp | undefined {
  return window.Telegram?.WebApp;
}

export interface SignIn {
  headers: Record<string, string>;
  languageCode?: string;
}

export function signIn(): SignIn {
  const hash = hashParams();
  const initData = webApp()?.initData || hash.get('tgWebAppData') || '';
  if (initData) {
    let languageCode = webApp()?.initDataUnsafe?.user?.language_code;
    if (!languageCode) {
      try {
        languageCode = (JSON.parse(new URLSearchParams(initData).get('user') ?? '{}') as { language_code?: string }).language_code;
      } catch {
        languageCode = undefined;
      }
    }
    return { headers: { 'X-Telegram-Init-Data': initData }, languageCode };
  }
  const token = hash.get('token');
  if (token) return { headers: { 'X-Leadline-Web-Token': token }, languageCode: navigator.language };
  return { headers: {}, languageCode: navigator.language };
}

const THEME_VARS: Record<string, string> = {
  bg_color: '--tg-theme-bg-color',
  text_color: '--tg-theme-text-color',
  hint_color: '--tg-theme-hint-color',
  link_color: '--tg-theme-link-color',
  button_color: '--tg-theme-button-color',
  button_text_color: '--tg-theme-button-text-color',
  secondary_bg_color: '--tg-theme-secondary-bg-color',
  section_bg_color: '--tg-theme-section-bg-color',
  accent_text_color: '--tg-theme-accent-text-color',
  destructive_text_color: '--tg-theme-destructive-text-color',
};

/** Telegram's theme as CSS variables (its script sets them too; the hash covers a page opened without it). */
export function applyTheme(): void {
  let params: Record<string, string> | undefined = webApp()?.themeParams;
  if (!params || !Object.keys(params).length) {
    const raw = hashParams().get('tgWebAppThemeParams');
    try {
      params = raw ? (JSON.parse(raw) as Record<string, string>) : undefined;
    } catch {
      params = undefined;
    }
  }
  for (const [name, cssVar] of Object.entries(THEME_VARS)) {
    const value = params?.[name];
    if (value && /^#[0-9a-fA-F]{3,8}$/.test(value)) document.documentElement.style.setProperty(cssVar, value);
  }
  webApp()?.ready?.();
  webApp()?.expand?.();
}
