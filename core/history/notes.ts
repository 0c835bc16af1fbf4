// Internal notes on a contact, a lead or a deal: written to the timeline (Activity "note")
// and the audit log; read back by the history (core/history/timeline.ts, kinds ['note']).
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { invalid } from '../errors.js';
import { recordChange } from '../audit.js';
import { resolveSubject, type Subject } from './subject.js';

export const NOTE_MAX = 4000;

export async function addNote(ctx: CoreContext, actor: Actor, subject: Subject, text: string) {
  const clean = text.trim();
  if (!clean) throw invalid('invalid.empty', { field: 'text' });
  if (clean.length > NOTE_MAX) throw invalid('history.note_too_long', { max: NOTE_MAX });
  const s = await resolveSubject(ctx.db, actor, subject);
  const links = {
    contactId: s.contactId,
    leadId: subject.kind === 'lead' ? s.leadId : null,
    dealId: subject.kind === 'deal' ? s.dealId : null,
  };
  await recordChange(
    ctx.db,
    actor,
    { type: 'note', ...links, data: { text: clean } },
    { action: 'note.add', entity: subject.kind, entityId: subject.id, after: { ...links, text: clean } },
  );
  return { subject: s, text: clean };
}
