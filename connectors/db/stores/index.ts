// The SQL implementations of core's stores (core/stores.ts), as one bundle for the
// composition roots: `sqlStores`, or `dbContext(db)` for a CoreContext on a client with them.
import { coreContext, type CoreContext } from '../../../core/context.js';
import type { DbOrTx } from '../../../core/db.js';
import type { Stores } from '../../../core/stores.js';
import { sqlAlbumStore } from './albums.js';
import { sqlAssigneeStore } from './assignees.js';
import { sqlContactImportStore } from './contact-import.js';
import { sqlDemoStore } from './demo.js';
import { sqlDigestStore } from './digests.js';
import { sqlRecipientStore } from './recipients.js';
import { sqlReminderStore } from './reminders.js';
import { sqlTaskStore } from './tasks.js';
import { sqlWebhookStore } from './webhooks.js';
import { sqlCustomerValueStore } from './customer-value.js';
import { sqlApiStore } from './api.js';
import { sqlSpeakerStore } from './speakers.js';
import { sqlFormStore } from './forms.js';

export const sqlStores: Stores = {
  assignees: sqlAssigneeStore,
  tasks: sqlTaskStore,
  reminders: sqlReminderStore,
  recipients: sqlRecipientStore,
  digests: sqlDigestStore,
  contactImport: sqlContactImportStore,
  webhooks: sqlWebhookStore,
  albums: sqlAlbumStore,
  demo: sqlDemoStore,
  customerValue: sqlCustomerValueStore,
  api: sqlApiStore,
  speakers: sqlSpeakerStore,
  forms: sqlFormStore,
};

/** A CoreContext on `db` with the SQL stores (the clock defaults to the system clock). */
export function dbContext(db: DbOrTx, extra: Partial<Omit<CoreContext, 'db'>> = {}): CoreContext {
  return coreContext(db, { ...extra, stores: extra.stores ?? sqlStores });
}
