// The web form a post names, as a port (core/stores.ts): what the HTTP edge needs of it in one
// statement per post (connectors/db/stores/forms.ts).
import type { DbOrTx } from '../db.js';

/** What the HTTP edge needs of a form to take a post. */
export interface FormTarget {
  id: number;
  workspaceId: number;
  name: string;
  phoneRegion: string;
  redirectUrl: string | null;
  allowedOrigins: string[];
}

export interface FormStore {
  /** The form with this key, with its workspace's phone region; null when there is none or it was removed. */
  activeByKey(db: DbOrTx, formKey: string): Promise<FormTarget | null>;
}
