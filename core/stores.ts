// The statements core needs beyond the ORM's model calls, as ports: each store is declared
// next to its use case and implemented in SQL under connectors/db/stores (named parameters,
// connectors/db/statement.ts). The composition root puts them on CoreContext.stores; core
// itself holds no SQL (eslint.config.js fails raw SQL in core/). Every method takes the
// database handle to run on (client or open transaction), so a use case keeps its
// transaction; rules (lead statuses, roles, the channel order) come in as parameters.
// The inbound path's own store, CustomerIntake (core/ports.ts), travels on ChatDeps.intake.
import type { AlbumStore } from './chat/album-store.js';
import type { ApiStore } from './api/api-store.js';
import type { SpeakerStore } from './chat/speaker-store.js';
import type { FormStore } from './forms/form-store.js';
import type { ContactImportStore } from './contacts/import/contact-import-store.js';
import type { DemoStore } from './demo/demo-store.js';
import type { DigestStore } from './digests/digest-store.js';
import type { AssigneeStore } from './leads/assignee-store.js';
import type { RecipientStore } from './outbound/recipient-store.js';
import type { ReminderStore } from './reminders/reminder-store.js';
import type { TaskStore } from './tasks/task-store.js';
import type { WebhookStore } from './webhooks/webhook-store.js';
import type { CustomerValueStore } from './value/value-store.js';

export interface Stores {
  /** round robin's pick (core/leads/round-robin.ts) */
  assignees: AssigneeStore;
  /** task lists by effective due time, the recurring series lock (core/tasks) */
  tasks: TaskStore;
  /** the reminder hot path: reconciliation batches, load-and-claim (core/reminders) */
  reminders: ReminderStore;
  /** team members with their preferred reachable identity (core/outbound/recipient.ts) */
  recipients: RecipientStore;
  /** "today" lists and team aggregates (core/digests) */
  digests: DigestStore;
  /** a contact import chunk's bulk reads and its one write (core/contacts/import) */
  contactImport: ContactImportStore;
  /** the webhook relay's event claim, an endpoint's failure (core/webhooks) */
  webhooks: WebhookStore;
  /** the lock an album's items and its one forward take (core/chat/albums.ts) */
  albums: AlbumStore;
  /** the demo's history in bulk (core/demo/seed-demo.ts) */
  demo: DemoStore;
  /** customer value, /top, tags in use and the team digest's extra sections (core/value) */
  customerValue: CustomerValueStore;
  /** the REST API's key look-up and the lead an API lead went to (core/api) */
  api: ApiStore;
  /** who wrote a message: the identity with its linked member (core/chat/speaker.ts) */
  speakers: SpeakerStore;
  /** the web form a post names (core/forms/forms.ts findFormByKey) */
  forms: FormStore;
}
