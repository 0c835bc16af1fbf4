// Which failures go away by themselves: a database or Redis that is restarting, unreachable
// or overloaded, a dropped connection, a serialization conflict. Work that failed this way is
// retried without a give-up horizon (capped backoff); anything else is a fault of the work
// itself (a bug, data the code cannot handle) and is retried a few times, then kept with its
// reason for a re-drive (connectors/queue/inbound-queue.ts).

/** Prisma error codes that mean "the database, not the query": connection, timeouts, conflicts. */
const PRISMA_TRANSIENT = new Set(['P1001', 'P1002', 'P1008', 'P1011', 'P1017', 'P2024', 'P2028', 'P2034']);
/** Driver adapter error kinds (@prisma/driver-adapter-utils) of the same nature. */
const ADAPTER_TRANSIENT = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TlsConnectionError',
]);
/**
 * SQLSTATEs: class 08 (connection exception), 53 (insufficient resources), 57P01-57P05
 * (shutdown, cannot connect now, idle timeout), 40001/40P01 (serialization failure, deadlock),
 * 55P03 (lock not available), 58 (system error: I/O).
 */
function transientSqlState(code: string): boolean {
  return /^(08|53|58)/.test(code) || /^57P0[1-5]$/.test(code) || code === '40001' || code === '40P01' || code === '55P03';
}
/** Node's socket errors. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ENOTCONN',
]);
/** ioredis and BullMQ messages when Redis is away. */
const REDIS_MESSAGES = [
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /MaxRetriesPerRequest/i,
  /\bLOADING\b/,
  /\bTRYAGAIN\b/,
  /\bCLUSTERDOWN\b/,
  /\bMASTERDOWN\b/,
  /READONLY/,
];
/** What Prisma and pg say in words when the code is lost on the way. */
const DB_MESSAGES = [
  /Can't reach database server/i,
  /Connection terminated/i,
  /not queryable/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Timed out fetching a new connection/i,
  /Server has closed the connection/i,
  /Transaction already closed/i,
  /connection timeout/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
}

/** True when `e` (or what it wraps) is an outage or a conflict that retrying later can cure. */
export function isTransientError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const err = e as ErrorLike;
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : '';
  if (name === 'PrismaClientInitializationError' || name === 'MaxRetriesPerRequestError') return true;
  if (PRISMA_TRANSIENT.has(code) || NETWORK_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && transientSqlState(code)) return true;
  const adapter = err.meta?.driverAdapterError?.cause;
  if (adapter) {
    if (typeof adapter.kind === 'string' && ADAPTER_TRANSIENT.has(adapter.kind)) return true;
    const state = typeof adapter.originalCode === 'string' ? adapter.originalCode : typeof adapter.code === 'string' ? adapter.code : '';
    if (state && transientSqlState(state)) return true;
  }
  if (DB_MESSAGES.some((re) => re.test(message)) || REDIS_MESSAGES.some((re) => re.test(message))) return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => isTransientError(x, depth + 1))) return true;
  return isTransientError(err.cause, depth + 1);
}

/** One line for a kept failure: the error's class and message, without a stack. */
export function failureReason(e: unknown): string {
  const err = e as { name?: string; code?: string; message?: string };
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  const code = err?.code ? `[${err.code}] ` : '';
  const message = (err?.message ?? String(e)).replace(/\s+/g, ' ').trim();
  return `${name}${code}${message}`.slice(0, 1000);
}
