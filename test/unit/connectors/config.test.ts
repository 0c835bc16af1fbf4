import { describe, it, expect } from 'vitest';
import { loadConfig, ConfigError, runsRole } from '../../../connectors/config.js';
import { credentialsOf, describeRedis, queuePrefix, redisTargetOf } from '../../../connectors/queue/connection.js';

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

  it('reads Redis Cluster seed nodes, which then take precedence over REDIS_URL, and names a malformed entry', () => {
    expect(loadConfig({}).REDIS_CLUSTER_NODES).toBeUndefined();
    const c = loadConfig({ REDIS_CLUSTER_NODES: 'redis-0.redis:6379, 10.0.0.7:7001,[fd00::1]:7002', REDIS_URL: 'rediss://app:s3cret@ignored:6379' });
    expect(c.REDIS_CLUSTER_NODES).toEqual([
      { host: 'redis-0.redis', port: 6379 },
      { host: '10.0.0.7', port: 7001 },
      { host: 'fd00::1', port: 7002 },
    ]);
    const target = redisTargetOf(c);
    expect(target.clusterNodes).toHaveLength(3);
    // username, password and TLS of REDIS_URL go to every node
    expect(credentialsOf(target.url)).toEqual({ username: 'app', password: 's3cret', tls: {} });
    expect(describeRedis(target)).toBe('Redis Cluster redis-0.redis:6379,10.0.0.7:7001,[fd00::1]:7002');
    expect(redisTargetOf(loadConfig({})).clusterNodes).toBeUndefined();
    for (const bad of ['redis-0', 'redis-0:6379,,redis-1:6379', 'redis-0:0', 'redis-0:70000', 'redis://redis-0:6379']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad }), bad).toThrow(/REDIS_CLUSTER_NODES must be host:port pairs separated by commas/);
    }
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:1,b' })).toThrow(/bad entry "b"/);
  });

  it('gives each BullMQ queue a hash-tagged prefix on a cluster only', () => {
    const cluster = { url: 'redis://x', clusterNodes: [{ host: 'a', port: 1 }] };
    expect(queuePrefix({ prefix: 'leadline', redis: { url: 'redis://x' } }, 'inbound')).toBe('leadline');
    expect(queuePrefix({ prefix: 'leadline', redis: cluster }, 'inbound')).toBe('leadline:{inbound}');
    // a prefix with a tag of its own keeps it: every queue in that one slot
    expect(queuePrefix({ prefix: '{crm}', redis: cluster }, 'inbound')).toBe('{crm}');
  });

  it("keeps files on disk by default with the platforms' limits; S3 needs a bucket, signed links a secret", () => {
    const c = loadConfig({});
    expect([c.FILE_STORAGE, c.FILE_STORAGE_DIR, c.FILE_MAX_BYTES]).toEqual(['disk', './data/files', 100 * 1024 * 1024]);
    expect([c.TELEGRAM_FILE_DOWNLOAD_MAX_BYTES, c.TELEGRAM_FILE_UPLOAD_MAX_BYTES]).toEqual([20 * 1024 * 1024, 50 * 1024 * 1024]);
    expect([c.S3_REGION, c.S3_FORCE_PATH_STYLE, c.FILE_LINK_TTL_HOURS]).toEqual(['us-east-1', false, 72]);
    expect(() => loadConfig({ FILE_STORAGE: 's3' })).toThrow(/S3_BUCKET is required when FILE_STORAGE=s3/);
    const s3 = loadConfig({ FILE_STORAGE: 's3', S3_BUCKET: 'leadline', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true' });
    expect([s3.S3_BUCKET, s3.S3_ENDPOINT, s3.S3_FORCE_PATH_STYLE]).toEqual(['leadline', 'http://minio:9000', true]);
    expect(() => loadConfig({ FILE_STORAGE: 'ftp' })).toThrow(/FILE_STORAGE must be disk or s3/);
    expect(() => loadConfig({ FILE_LINK_BASE_URL: 'https://crm.example.com' })).toThrow(/FILE_LINK_SECRET is required when FILE_LINK_BASE_URL is set/);
    expect(() => loadConfig({ FILE_LINK_BASE_URL: 'https://crm.example.com', FILE_LINK_SECRET: 'short' })).toThrow(/FILE_LINK_SECRET must be at least 16/);
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
