// Web forms of a workspace (leadline form add|list|remove) and what a post to one becomes: an
// InboundMessage on the `web` channel, handled by the chat engine like every other channel
// (contact found by e-mail, then phone; lead captured, assigned and notified).
import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import { notFound } from '../errors.js';
import type { InboundMessageInput } from '../chat/inbound.js';
import type { FormReading } from './read-form.js';
import type { FormTarget } from './form-store.js';

export interface WebFormView {
  id: number;
  name: string;
  formKey: string;
  redirectUrl: string | null;
  allowedOrigins: string[];
  active: boolean;
  createdAt: string;
}

const KEY_SHAPE = /^f_[A-Za-z0-9_-]{22}$/;

/** 128 random bits: a form key is public (it is in the page) but cannot be guessed. */
export function newFormKey(): string {
  return `f_${randomBytes(16).toString('base64url')}`;
}

function view(f: {
  id: number;
  name: string;
  formKey: string;
  redirectUrl: string | null;
  allowedOrigins: string[];
  disabledAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: f.id,
    name: f.name,
    formKey: f.formKey,
    redirectUrl: f.redirectUrl,
    allowedOrigins: f.allowedOrigins,
    active: f.disabledAt === null,
    createdAt: f.createdAt.toISOString(),
  } satisfies WebFormView;
}

export async function addForm(
  ctx: CoreContext,
  actor: Actor,
  input: { name: string; redirectUrl?: string | null; allowedOrigins?: string[] },
  actorKind = 'cli',
): Promise<WebFormView> {
  const created = await ctx.db.webForm.create({
    data: {
      workspaceId: actor.workspaceId,
      name: input.name.trim(),
      formKey: newFormKey(),
      redirectUrl: input.redirectUrl ?? null,
      allowedOrigins: input.allowedOrigins ?? [],
    },
  });
  await recordAudit(ctx.db, actor, { action: 'form.add', entity: 'WebForm', entityId: created.id, after: { name: created.name }, actorKind });
  return view(created);
}

export async function listForms(ctx: CoreContext, actor: Actor): Promise<WebFormView[]> {
  const rows = await ctx.db.webForm.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { id: 'asc' } });
  return rows.map(view);
}

/** Posts to a removed form get 404 from then on; the leads it brought stay. */
export async function removeForm(ctx: CoreContext, actor: Actor, id: number, actorKind = 'cli'): Promise<void> {
  const { count } = await ctx.db.webForm.updateMany({ where: { id, workspaceId: actor.workspaceId, disabledAt: null }, data: { disabledAt: ctx.clock.now() } });
  if (count === 0) throw notFound('what.form', { id });
  await recordAudit(ctx.db, actor, { action: 'form.remove', entity: 'WebForm', entityId: id, actorKind });
}

/** The active form with this key, or null (also for anything that is not shaped like a key). */
export async function findFormByKey(ctx: CoreContext, formKey: string): Promise<FormTarget | null> {
  if (!KEY_SHAPE.test(formKey)) return null;
  return ctx.stores.forms.activeByKey(ctx.db, formKey);
}

/**
 * A read form as the engine's message. The customer is known by their e-mail, else their
 * phone (as on the email channel), so their next post joins the same conversation.
 */
export function formMessage(form: FormTarget, reading: Extract<FormReading, { ok: true }>, post: { id: string; receivedAt: Date }): InboundMessageInput {
  const who = reading.email ?? `phone:${reading.phone}`;
  return {
    workspaceId: form.workspaceId,
    channel: 'web',
    externalUserId: who,
    externalChatId: who,
    text: reading.text,
    dedupeKey: `web:form:${form.id}:${post.id}`,
    receivedAt: post.receivedAt.toISOString(),
    displayName: reading.sender.name,
    sender: reading.sender,
    languageCode: /[а-яё]/i.test(`${reading.sender.name ?? ''} ${reading.text}`) ? 'ru' : undefined,
    messageExternalId: `form:${form.id}:${post.id}`,
  };
}
