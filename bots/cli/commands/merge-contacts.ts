// `leadline merge contacts KEEP MERGE` and `leadline merge undo N`: the same core use cases
// as /merge in chat (core/contacts/merge-contacts.ts), as Leadline (audit actor "cli").
import type { Command } from 'commander';
import { mergeContacts, undoMerge, MERGE_UNDO_DAYS } from '../../../core/contacts/merge-contacts.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { t } from '../../../core/i18n/index.js';
import { action, cliActor, cliConfig, cliDb, print, printJson } from '../runtime.js';
import { parseContactId } from './export-contact.js';
import { foldedLeadNotices } from '../../../core/contacts/merge-notices.js';
import type { OutboxItem } from '../../../core/ports.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { createOutbox } from '../../../connectors/queue/workers.js';

async function queueNotices(items: OutboxItem[]): Promise<void> {
  const config = await cliConfig();
  const settings = queueSettings(redisTargetOf(config), config.QUEUE_PREFIX);
  const outbox = createOutbox(settings);
  try {
    await outbox.enqueueMany(items);
  } finally {
    await outbox.close();
    await settings.close();
  }
}

export function registerMergeContacts(program: Command) {
  const parent = program.commands.find((c) => c.name() === 'merge') ?? program.command('merge');
  parent
    .command('contacts')
    .description(
      `merge contact MERGE into contact KEEP: identities, emails, phones, conversations, leads, deals, tasks and the timeline move; two open leads of the person become one; undo within ${MERGE_UNDO_DAYS} days with "leadline merge undo N"`,
    )
    .argument('<keep>', 'the contact id that stays')
    .argument('<merge>', 'the contact id folded into it')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the result as one JSON object')
    .action(
      action(async (keepText: string, mergeText: string, opts: { workspace?: string; json?: boolean }) => {
        const keep = parseContactId(keepText);
        const merge = parseContactId(mergeText);
        const db = await cliDb();
        const actor = await cliActor(opts.workspace);
        const ctx = dbContext(db);
        const r = await mergeContacts(ctx, actor, keep, merge, { reason: 'manual' });
        // two open leads became one: both managers are told, through the outbound queue
        const notices = await foldedLeadNotices(ctx, r, null);
        if (notices.length) await queueNotices(notices);
        if (opts.json) return printJson({ mergeId: r.merge.id, keepId: keep, mergedId: merge, moved: r.counts, foldedLeads: r.moved.foldedLeads });
        print(t(actor.locale, 'merge.done', { merge, keep, ...r.counts, days: MERGE_UNDO_DAYS, record: r.merge.id }));
      }),
    );
  parent
    .command('undo')
    .description(`undo merge N (within ${MERGE_UNDO_DAYS} days): exactly what it moved goes back`)
    .argument('<n>', 'the merge number (printed by "merge contacts", shown in /history)')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the result as one JSON object')
    .action(
      action(async (nText: string, opts: { workspace?: string; json?: boolean }) => {
        const n = parseContactId(nText);
        const db = await cliDb();
        const actor = await cliActor(opts.workspace);
        const r = await undoMerge(dbContext(db), actor, n);
        if (opts.json) return printJson({ mergeId: n, keepId: r.keepId, mergedId: r.mergeId, restored: r.restored });
        print(t(actor.locale, 'merge.undone', { record: n, keep: r.keepId, merge: r.mergeId }));
      }),
    );
}
