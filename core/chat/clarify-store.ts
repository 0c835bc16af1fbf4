// Clarify questions ("today 18:00 / tomorrow 09:00") keep their options server-side under a
// short random token, so the button data stays far below Telegram's 64 bytes. The store is
// a port: Redis in production (connectors/queue/redis-clarify-store.ts), memory in one process.
import { randomBytes } from 'node:crypto';

export interface ClarifyEntry {
  userId: number;
  /** what the options complete: the original text and the parser's partial result */
  partial: unknown;
  options: Array<{ label: string; value: string }>;
}

export interface ClarifyStore {
  put(entry: ClarifyEntry, ttlSeconds: number): Promise<string>;
  get(token: string): Promise<ClarifyEntry | null>;
  delete(token: string): Promise<void>;
}

export function clarifyToken(): string {
  return randomBytes(6).toString('base64url');
}

/** A ClarifyStore for a single process (console, tests of one process). */
export class MemoryClarifyStore implements ClarifyStore {
  private entries = new Map<string, { entry: ClarifyEntry; expires: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  async put(entry: ClarifyEntry, ttlSeconds: number): Promise<string> {
    const token = clarifyToken();
    this.entries.set(token, { entry, expires: this.now() + ttlSeconds * 1000 });
    return token;
  }
  async get(token: string): Promise<ClarifyEntry | null> {
    const hit = this.entries.get(token);
    if (!hit || hit.expires < this.now()) return null;
    return hit.entry;
  }
  async delete(token: string): Promise<void> {
    this.entries.delete(token);
  }
}
