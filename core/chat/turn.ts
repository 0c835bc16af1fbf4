// One inbound message being handled: the dependencies, the transaction-bound context, the
// workspace, and the outbox items collected while handling (enqueued after commit, so a
// rolled-back turn never sends anything).
import type { WebViewLinks } from '../miniapp/web-token.js';
import type { Stores } from '../stores.js';
import type { CoreContext } from '../context.js';
import type { Db } from '../db.js';
import type { AlbumScheduler, AttemptLimiter, Clock, CustomerIntake, Outbox, OutboxItem, Scheduler, Llm } from '../ports.js';
import type { AuditEntry } from '../audit.js';
import type { Lead, Workspace } from '../../prisma/generated/client.js';
import type { InboundMessage } from './inbound.js';
import type { IntentParser } from '../parse/parser.js';
import type { ClarifyStore } from './clarify-store.js';
import type { Actor } from '../actor.js';
import type { Reply } from './reply.js';
import type { AiJobs } from '../ai/jobs.js';
import type { ChatFiles } from '../files/file-store.js';
import type { MailingJobs } from '../mailings/jobs.js';

export interface ChatLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ChatDeps {
  db: Db;
  clock: Clock;
  outbox: Outbox;
  /** the intake store: what handling a customer's message writes (connectors/db/intake) */
  intake: CustomerIntake;
  /** the use cases' stores (core/stores.ts; connectors/db/stores) */
  stores: Stores;
  /** the workspace messages without their own workspaceId belong to */
  defaultWorkspaceId: number;
  scheduler?: Scheduler;
  llm?: Llm;
  /** plain language -> intent; without it only slash commands and buttons work */
  parser?: IntentParser;
  /** keeps clarify options server-side so button data stays short */
  clarify?: ClarifyStore;
  /** the ai queue (core/ai): free-text fallback, extraction, summaries, drafts; with ctx.llm it turns AI assist on */
  ai?: AiJobs;
  /** the mailings queue (core/mailings): a confirmed mailing's job; without it /mailing cannot send */
  mailings?: MailingJobs;
  logger?: ChatLogger;
  /**
   * What a member's plain text the rules did not understand becomes: AI assist's hand-off
   * (core/chat/ai/chat-actions.ts handOffUnknownText) when wired; null = "not understood".
   */
  unknownText?: (turn: Turn, actor: Actor, text: string) => Promise<Reply[] | null>;
  /** counts wrong invite codes (per identity and per workspace); without it there is no limit */
  attempts?: AttemptLimiter;
  /** file storage, sources and limits (core/files); without it attachments are passed on as metadata lines */
  files?: ChatFiles;
  /** an album's items go on as one forward (core/chat/albums.ts); without it each item is forwarded as it comes */
  albums?: AlbumScheduler;
  /**
   * The replies to the speaker's own chat go out through the outbox, kept on the InboundEvent
   * with the turn's other items (a worker killed after the commit loses none of them); false
   * (the console, tests): the caller renders the returned replies itself.
   */
  queueReplies?: boolean;
  /** the Telegram bot's username (TELEGRAM_BOT_USERNAME): invites carry a t.me deep link */
  telegramBotUsername?: string;
  /** web-view links for members without Telegram (core/miniapp/web-link.ts); without it the link button says it is off */
  webView?: WebViewLinks;
  /** the Mini App's URL (MINIAPP_URL): new-lead notifications on Telegram carry an "Open the board" button */
  miniAppUrl?: string;
}

export interface Turn {
  deps: ChatDeps;
  ctx: CoreContext;
  workspace: Workspace;
  message: InboundMessage;
  now: Date;
  /** messages to push through the outbox once the turn's transaction has committed */
  out: OutboxItem[];
  /** audit rows written with the turn's store step (the intake fast path; use cases write theirs at once) */
  audits: AuditEntry[];
  /** the identity the speaker wrote from (set for team members) */
  speakerIdentityId?: number;
  /** the round-robin pick made before the transaction for a brand-new customer */
  preAssigneeId?: number;
  /**
   * the turn runs on the intake's lean transaction (core/ports.ts CustomerIntake
   * leanTransaction: raw statements only); a step that needs the ORM throws FullTurnNeeded
   */
  lean?: boolean;
  /** the turn changed the workspace's settings: the process's cached row is dropped after the commit */
  workspaceChanged?: boolean;
  /**
   * the lead the turn created, as stored, when nothing in the turn changed it after (no rules
   * ran): the REST API answers with it instead of reading it back (core/api/submit-lead.ts)
   */
  createdLead?: Lead;
}

export function push(turn: Turn, item: Omit<OutboxItem, 'workspaceId'>): void {
  turn.out.push({ workspaceId: turn.workspace.id, ...item });
}
