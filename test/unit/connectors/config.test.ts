import { describe, it, expect } from 'vitest';
import { loadConfig, ConfigError, runsRole } from '../../../connectors/config.js';

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/leadline');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.HTTP_PORT).toBe(3000);
    expect(c.DEFAULT_LOCALE).toBe('en');
    expect(c.DEFAULT_TIMEZONE).toBe('UTC');
    expect(c.LEADLINE_ROLES).toEqual([]);
  });

  it('has body limits, timeouts and no metrics port by default, and keeps METRICS_PORT off HTTP_PORT', () => {
    const c = loadConfig({});
    expect([c.HTTP_BODY_LIMIT_BYTES, c.TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES, c.SLACK_BODY_LIMIT_BYTES]).toEqual([1024 * 1024, 256 * 1024, 1024 * 1024]);
    expect([c.HTTP_REQUEST_TIMEOUT_MS, c.READINESS_TIMEOUT_MS, c.METRICS_PORT]).toEqual([30_000, 1000, undefined]);
    expect(loadConfig({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from HTTP_PORT/);
    expect(() => loadConfig({ HTTP_BODY_LIMIT_BYTES: '0' })).toThrow(/HTTP_BODY_LIMIT_BYTES/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', DEFAULT_LOCALE: '' }).HTTP_PORT).toBe(3000);
  });

  it('names every malformed variable and what it should be', () => {
    let error: unknown;
    try {
      loadConfig({ HTTP_PORT: 'eighty', DEFAULT_TIMEZONE: 'Mars/Olympus', DATABASE_URL: 'mysql://x', DEFAULT_LOCALE: 'de' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/HTTP_PORT .*port number.*"eighty"/);
    expect(message).toMatch(/DEFAULT_TIMEZONE .*IANA time zone.*"Mars\/Olympus"/);
    expect(message).toMatch(/DATABASE_URL .*postgresql:\/\//);
    expect(message).toMatch(/DEFAULT_LOCALE .*en or ru/);
    expect(message).toMatch(/\.env\.example/);
  });

  it('never echoes secrets in errors', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook', TELEGRAM_WEBHOOK_SECRET: 'bad secret!' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
      expect((e as Error).message).not.toContain('bad secret!');
    }
  });

  it('requires a webhook secret when a Telegram webhook URL is set', () => {
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg' })).toThrow(/TELEGRAM_WEBHOOK_SECRET is required/);
  });

  it('parses roles and rejects unknown ones', () => {
    const c = loadConfig({ LEADLINE_ROLES: 'web, worker' });
    expect(runsRole(c, 'web')).toBe(true);
    expect(runsRole(c, 'watcher')).toBe(false);
    expect(() => loadConfig({ LEADLINE_ROLES: 'web,cook' })).toThrow(/LEADLINE_ROLES/);
  });
});
