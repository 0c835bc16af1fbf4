// One zod schema over the environment, parsed once. A missing or malformed value stops
// start-up with a message naming the variable and how to fix it. Every variable is
// listed in .env.example and the README's settings table.
import { z } from 'zod';
import { isValidTimeZone } from '../core/time/zoned.js';

const timezone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Moscow or UTC');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => p + '://').join(' or ')}`,
  );

const port = z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535);
const positiveInt = z.coerce.number({ message: 'must be a whole number' }).int().positive();
const optionalString = z.string().trim().min(1).optional();

/** "host:port,host:port,..." (IPv6 as [addr]:port) into seed nodes; a malformed entry is named in the error. */
const clusterNodes = z.string().transform((value, ctx) => {
  const nodes: Array<{ host: string; port: number }> = [];
  for (const entry of value.split(',').map((s) => s.trim())) {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: `must be host:port pairs separated by commas, e.g. redis-0:6379,redis-1:6379,redis-2:6379 (bad entry "${entry}")`,
      });
      return z.NEVER;
    }
    nodes.push({ host: m[1] ?? m[2]!, port });
  }
  return nodes;
});

export const ROLES = ['web', 'worker', 'watcher', 'telegram'] as const;

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: url(['postgresql', 'postgres']).default('postgresql://postgres@127.0.0.1:5432/leadline'),
    /** connections each process keeps to Postgres */
    DATABASE_POOL_SIZE: positiveInt.default(10),
    /** named prepared statements per connection (off behind PgBouncer in transaction mode before 1.21) */
    DATABASE_STATEMENT_CACHE: z
      .enum(['on', 'off', 'true', 'false', '1', '0'], { message: 'must be on or off' })
      .default('on')
      .transform((v) => v === 'on' || v === 'true' || v === '1'),
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    /** Redis Cluster seed nodes; when set they take precedence over REDIS_URL, whose username, password and rediss:// (TLS) apply to every node */
    REDIS_CLUSTER_NODES: clusterNodes.optional(),
    /** prefix of every Redis key Leadline writes (queues, leases, limits): several deployments can share one Redis */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]{1,64}$/, 'must be 1-64 letters, digits, "_", "-", "." or "{}" (a Redis Cluster hash tag)')
      .default('leadline'),
    HTTP_PORT: port.default(3000),
    HTTP_HOST: z.string().default('0.0.0.0'),
    /** request bodies larger than this get 413 (Content-Length checked before reading; a chunked body is cut off); routes without their own limit */
    HTTP_BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
    /** a request whose headers and body have not arrived within this time is answered 408 and closed */
    HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    /** whose X-Forwarded-For to believe for the client address: false (default), true, a hop count, or comma-separated proxy addresses/CIDRs */
    HTTP_TRUST_PROXY: z
      .string()
      .trim()
      .default('false')
      .transform((v, ctx): boolean | number | string[] => {
        if (v === '' || v === 'false' || v === '0') return false;
        if (v === 'true') return true;
        if (/^\d+$/.test(v)) return Number(v);
        const list = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.every((a) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) return list;
        ctx.addIssue({ code: 'custom', message: 'must be false, true, a number of proxy hops, or comma-separated proxy addresses (e.g. 10.0.0.0/8)' });
        return z.NEVER;
      }),
    /** web form posts (POST /forms/:formKey): body cap, and posts per minute per client address and per form */
    FORM_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
    FORM_RATE_PER_IP_PER_MINUTE: positiveInt.default(10),
    FORM_RATE_PER_FORM_PER_MINUTE: positiveInt.default(120),
    /** REST API (/api/v1) requests per minute per key */
    API_RATE_PER_KEY_PER_MINUTE: positiveInt.default(600),
    /** outgoing webhooks: first retry wait (doubling), longest wait, how long a delivery is retried (and an endpoint may fail before it is turned off), receiver timeout */
    WEBHOOK_BACKOFF_BASE_MS: positiveInt.default(30_000),
    WEBHOOK_BACKOFF_MAX_MS: positiveInt.default(3600_000),
    WEBHOOK_RETRY_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive('must be more than 0').default(24),
    WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
    /** each /ready check (Postgres SELECT 1, Redis PING, queues) counts as unhealthy after this long */
    READINESS_TIMEOUT_MS: positiveInt.default(1000),
    /** a port for /metrics, /health and /ready in any role (then /metrics is served there only, not on HTTP_PORT) */
    METRICS_PORT: port.optional(),
    DEFAULT_TIMEZONE: timezone.default('UTC'),
    DEFAULT_LOCALE: z.enum(['en', 'ru'], { message: 'must be en or ru' }).default('en'),
    /** slug of the workspace that channels without their own mapping feed */
    DEFAULT_WORKSPACE: z.string().trim().min(1).default('default'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** comma-separated roles this process runs; empty = all */
    LEADLINE_ROLES: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(ROLES, { message: `each role must be one of ${ROLES.join(', ')}` }))),

    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_API_ROOT: url(['http', 'https']).default('https://api.telegram.org'),
    /** the bot's @username (without @): invites from /team carry a t.me deep link */
    TELEGRAM_BOT_USERNAME: z
      .string()
      .trim()
      .transform((v) => v.replace(/^@/, ''))
      .pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'must be the bot username from @BotFather, e.g. LeadlineBot'))
      .optional(),
    TELEGRAM_WEBHOOK_URL: url(['https', 'http']).optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    /** Telegram updates are small: larger webhook bodies get 413 */
    TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES: positiveInt.default(256 * 1024),

    SLACK_BOT_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_API_URL: url(['http', 'https']).default('https://slack.com/api/'),
    /** Slack events, commands and interactions over HTTP: larger bodies get 413 */
    SLACK_BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),

    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: url(['http', 'https']).optional(),
    OPENAI_MODEL: z.string().default('gpt-4o-mini'),
    OPENAI_TIMEOUT_MS: positiveInt.default(15000),
    LLM_DAILY_TOKEN_BUDGET: positiveInt.default(200000),

    EMAIL_MAX_ATTACHMENT_BYTES: positiveInt.default(10 * 1024 * 1024),
    EMAIL_MAX_BODY_CHARS: positiveInt.default(100_000),
    IMAP_POLL_INTERVAL_MS: positiveInt.default(30_000),

    /** parallel sends per worker process (outbound queue) */
    OUTBOUND_CONCURRENCY: positiveInt.default(50),
    /** Telegram flood limits the outbound queue keeps (per bot, per chat, per group chat) */
    TELEGRAM_PER_SECOND: positiveInt.default(30),
    TELEGRAM_PER_CHAT_MS: positiveInt.default(1000),
    TELEGRAM_PER_GROUP_CHAT_MS: positiveInt.default(3000),
    /** Slack chat.postMessage spacing per channel */
    SLACK_PER_CHANNEL_MS: positiveInt.default(1000),
    /** added to every outbound limit's interval and window (absorbs network jitter) */
    OUTBOUND_LIMIT_MARGIN_MS: z.coerce.number({ message: 'must be a whole number of milliseconds' }).int().min(0).max(1000).default(50),
    /** parallel reminder jobs per worker process */
    REMINDER_CONCURRENCY: positiveInt.default(50),
    /** at start-up, overdue undelivered reminders up to this many hours old are still sent */
    REMINDER_CATCHUP_HOURS: positiveInt.default(168),
    /** a failure that is not an outage is retried this many times, then kept for a re-drive */
    INBOUND_MAX_ATTEMPTS: positiveInt.default(8),
    /** the longest wait between two attempts of an inbound message (outages are retried without end) */
    INBOUND_RETRY_MAX_SECONDS: positiveInt.default(30),
    /** how often workers re-drive kept inbound failures (0 = only at start-up) */
    INBOUND_REDRIVE_MINUTES: z.coerce.number({ message: 'must be a whole number of minutes' }).int().min(0).default(15),
    /** wrong invite codes per identity per window, and the window (minutes) */
    INVITE_ATTEMPTS_PER_IDENTITY: positiveInt.default(5),
    INVITE_ATTEMPTS_IDENTITY_WINDOW_MINUTES: positiveInt.default(15),
    /** wrong invite codes per workspace per window, and the window (minutes) */
    INVITE_ATTEMPTS_PER_WORKSPACE: positiveInt.default(100),
    INVITE_ATTEMPTS_WORKSPACE_WINDOW_MINUTES: positiveInt.default(60),
    /** how often workers check that Redis still has its data (else they reconcile with Postgres); 0 = start-up only */
    REDIS_LOSS_CHECK_SECONDS: z.coerce.number({ message: 'must be a whole number of seconds' }).int().min(0).default(60),

    /** where files customers and managers send are kept: a directory on disk (default) or an S3-compatible bucket */
    FILE_STORAGE: z.enum(['disk', 's3'], { message: 'must be disk or s3' }).default('disk'),
    /** FILE_STORAGE=disk: the directory (created when missing) */
    FILE_STORAGE_DIR: z.string().trim().min(1).default('./data/files'),
    /** the largest file Leadline stores at all (bytes) */
    FILE_MAX_BYTES: positiveInt.default(100 * 1024 * 1024),
    /** FILE_STORAGE=s3: bucket, region, an S3-compatible server's URL (AWS when unset), bucket in the path, credentials (else the SDK's default chain), key prefix */
    S3_BUCKET: optionalString,
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    S3_ENDPOINT: url(['http', 'https']).optional(),
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_PREFIX: optionalString,
    /** platform file limits (bytes): what a bot may download from Telegram (20 MB on the public Bot API) and send there (50 MB) */
    TELEGRAM_FILE_DOWNLOAD_MAX_BYTES: positiveInt.default(20 * 1024 * 1024),
    TELEGRAM_FILE_UPLOAD_MAX_BYTES: positiveInt.default(50 * 1024 * 1024),
    /** Slack: what Leadline downloads and uploads (Slack itself takes up to 1 GB) */
    SLACK_FILE_MAX_BYTES: positiveInt.default(1000 * 1024 * 1024),
    /** email: all attachments of one outgoing message together (most servers refuse mail over 20-25 MB once encoded) */
    EMAIL_OUTBOUND_ATTACHMENTS_MAX_BYTES: positiveInt.default(18 * 1024 * 1024),
    /** signed download links for files too large for a manager's channel: the web role's public URL, the signing secret, how long a link works */
    FILE_LINK_BASE_URL: url(['http', 'https']).optional(),
    FILE_LINK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    FILE_LINK_TTL_HOURS: positiveInt.default(72),

    /** a TTF/OTF with Latin and Cyrillic for digest charts; default: DejaVu Sans from the system */
    CHART_FONT_FILE: optionalString,
  })
  .superRefine((c, ctx) => {
    if (c.METRICS_PORT !== undefined && c.METRICS_PORT !== 0 && c.METRICS_PORT === c.HTTP_PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from HTTP_PORT (leave it unset to serve /metrics on HTTP_PORT)' });
    }
    if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'is required when TELEGRAM_WEBHOOK_URL is set (any random string of A-Z, a-z, 0-9, _ and -)',
      });
    }
    if (c.FILE_STORAGE === 's3' && !c.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when FILE_STORAGE=s3 (the bucket files are kept in)' });
    }
    if (c.FILE_LINK_BASE_URL && !c.FILE_LINK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['FILE_LINK_SECRET'],
        message: 'is required when FILE_LINK_BASE_URL is set (any random string of 16 characters or more)',
      });
    }
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required when SLACK_BOT_TOKEN is set (Basic Information > Signing Secret), unless SLACK_APP_TOKEN enables Socket Mode',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these in your environment or .env file (see .env.example).`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const got = cleaned[name] !== undefined ? ` (got "${redact(name, cleaned[name])}")` : '';
    return `${name} ${issue.message}${got}`;
  });
  throw new ConfigError(problems);
}

function redact(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (/TOKEN|SECRET|KEY|PASSWORD/.test(name)) return '***';
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return value;
  }
}

/** Whether this process runs a role (no LEADLINE_ROLES = everything). */
export function runsRole(config: Config, role: (typeof ROLES)[number]): boolean {
  return config.LEADLINE_ROLES.length === 0 || config.LEADLINE_ROLES.includes(role);
}
