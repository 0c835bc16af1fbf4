// The album forward's lock as a port (connectors/db/stores/albums.ts; core/chat/albums.ts says
// why each item and the forward take it).
import type { DbOrTx } from '../db.js';

export interface AlbumStore {
  /** Serializes everyone deciding about the album `key` until the transaction of `tx` ends. */
  lock(tx: DbOrTx, key: string): Promise<void>;
}
