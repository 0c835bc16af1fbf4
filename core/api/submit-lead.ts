// POST /api/v1/leads: a lead from another system takes the very road of a customer's message
// on the `web` channel: `handle` is the process's chat engine (bots/chat-runtime.ts
// createChatEngine, the one the inbound worker runs: handleInbound, then its replies queued),
// run by the API process itself so the answer can name the lead. The contact is found by
// e-mail, then phone, or created; a lead is captured, assigned round robin with its
// first-response deadline, the assignee is notified through the outbox, no acknowledgement is
// queued (the web channel has no chat: the 201 is the answer, core/channels.ts hasChat) and, where AI
// assist is configured, the extraction is asked for. When the contact already has an open lead
// (or deal), the message joins its conversation and that lead is returned (created: false), as
// a second message in chat would.
import { createHash, randomUUID } from 'node:crypto';
import type { ChatDeps } from '../chat/turn.js';
import type { InboundMessage } from '../chat/inbound.js';
import { parseInboundMessage } from '../chat/inbound.js';
import { normalizeEmail } from '../contacts/normalize-email.js';
import { normalizePhone } from '../contacts/normalize-phone.js';
import type { Lead } from '../../prisma/generated/client.js';
import type { ApiCaller } from './api-keys.js';

export interface ApiLeadInput {
  name: string;
  phone?: string | null;
  email?: string | null;
  company?: string | null;
  message?: string | null;
  /** where the lead came from in the caller's words ("facebook-ads"); kept as a line on the message */
  source?: string | null;
}

export interface FieldIssue {
  field: string;
  message: string;
}

export type SubmitLeadResult = { ok: true; created: boolean; lead: Lead } | { ok: false; issues: FieldIssue[] };

/** The e-mail and phone that find a contact, normalised; a malformed one, or neither, is an issue naming the field. */
export function contactKeys(input: { email?: string | null; phone?: string | null }, region: string) {
  const issues: FieldIssue[] = [];
  const email = input.email?.trim() ? normalizeEmail(input.email) : null;
  const phone = input.phone?.trim() ? normalizePhone(input.phone, region) : null;
  if (input.email?.trim() && !email) issues.push({ field: 'email', message: 'is not an e-mail address' });
  if (input.phone?.trim() && !phone) issues.push({ field: 'phone', message: 'is not a phone number' });
  if (!input.email?.trim() && !input.phone?.trim()) {
    issues.push({ field: 'phone', message: 'a phone or an e-mail is required' });
    issues.push({ field: 'email', message: 'a phone or an e-mail is required' });
  }
  return { issues, email, phone };
}

/** The checks a lead must pass, each naming its field (nothing is written when any fails). */
export function checkLeadInput(input: ApiLeadInput, region: string): { issues: FieldIssue[]; email: string | null; phone: string | null } {
  const keys = contactKeys(input, region);
  if (!input.name?.trim()) keys.issues.push({ field: 'name', message: 'must not be empty' });
  return keys;
}

/** The chat engine a process runs inbound messages through (handleInbound plus its replies queued). */
export interface InboundEngine {
  deps: ChatDeps;
  /** resolves with the lead the turn created when the turn knows it (a brand-new customer's capture) */
  run(message: InboundMessage): Promise<{ createdLead?: Lead }>;
}

export interface SubmitLeadOptions {
  /** the HTTP request's id, carried to the notification's send (logs) */
  traceId?: string;
  /**
   * what makes a request the same one (its Idempotency-Key and its body's hash, the key claimed
   * by this request: core/api/idempotency.ts): the message's id is made from it, so a retry
   * after a failed or lost answer is the same message (its turn finds the event handled, queues
   * what the first left behind and names its lead), while the key reused with another body,
   * after the first answer expired, is a new message
   */
  sameRequest?: string;
}

/** The message's id: one per request as `sameRequest` tells them apart (within the API key), else new each time. */
function messageId(options: SubmitLeadOptions): string {
  if (!options.sameRequest) return randomUUID();
  return `idem-${createHash('sha256').update(options.sameRequest).digest('hex').slice(0, 32)}`;
}

export async function submitApiLead(engine: InboundEngine, caller: ApiCaller, input: ApiLeadInput, options: SubmitLeadOptions = {}): Promise<SubmitLeadResult> {
  const deps = engine.deps;
  const { issues, email, phone } = checkLeadInput(input, caller.phoneRegion);
  if (issues.length) return { ok: false, issues };
  const who = email ?? `phone:${phone}`;
  const started = deps.clock.now();
  const { traceId } = options;
  const id = messageId(options);
  const text = [input.message?.trim() ?? '', input.source?.trim() ? `source: ${input.source.trim()}` : ''].filter(Boolean).join('\n');
  const message: InboundMessage = parseInboundMessage(
    {
      workspaceId: caller.workspaceId,
      channel: 'web',
      externalUserId: who,
      externalChatId: who,
      text,
      dedupeKey: `web:api:${caller.keyId}:${id}`,
      receivedAt: started.toISOString(),
      displayName: input.name.trim(),
      sender: {
        name: input.name.trim(),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        ...(input.company?.trim() ? { company: input.company.trim() } : {}),
      },
      messageExternalId: `api:${caller.keyId}:${id}`,
      ...(traceId ? { traceId } : {}),
    },
    started,
  );
  const { createdLead } = await engine.run(message);
  if (createdLead) return { ok: true, created: true, lead: createdLead };
  // else the contact's latest lead: the one this message joined, or created in a turn that
  // changed it after (new-lead rules) or was handled before (its contact holds the message)
  // (an Idempotency-Key's retry after a lost answer finds the first request's message: its
  // lead is "created" when it is not older than that message)
  const found = await deps.stores.api.leadOfMessage(deps.db, { workspaceId: caller.workspaceId, channel: 'web', externalId: message.messageExternalId! });
  if (!found) throw new Error(`API lead ${message.dedupeKey} was not stored with a lead`);
  return { ok: true, created: found.lead.createdAt.getTime() >= found.messageAt.getTime(), lead: found.lead };
}
