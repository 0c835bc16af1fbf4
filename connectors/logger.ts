import { pino, type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines on stderr (stdout stays for CLI output and --json). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}

export const logger = createLogger();
