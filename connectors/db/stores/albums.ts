// The album lock in SQL (core/chat/album-store.ts is the port).
import type { AlbumStore } from '../../../core/chat/album-store.js';
import { statement } from '../statement.js';

/** A transaction-scoped advisory lock on the album's key (hashed to the lock's one bigint). */
const lockAlbum = statement<{ key: string }, { locked: string }>(`
SELECT pg_advisory_xact_lock(hashtext(:key))::text AS locked`);

export const sqlAlbumStore: AlbumStore = {
  async lock(tx, key) {
    await lockAlbum.query(tx, { key });
  },
};
