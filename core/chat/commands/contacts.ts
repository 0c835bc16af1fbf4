// /contact QUERY: find people by name, email, phone or company.
import { t } from '../../i18n/index.js';
import { searchContacts } from '../../contacts/search-contacts.js';
import { reply } from '../reply.js';
import type { Command } from './command.js';
import { say, usage } from './command.js';

export const contactCommands: Command[] = [
  {
    names: ['contact', 'contacts', 'контакт', 'контакты'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/contact QUERY');
      const contacts = await searchContacts(turn.ctx, actor, args, 15);
      if (contacts.length === 0) return say(actor, 'chat.contact.empty', { query: args });
      const lines = contacts.map((c) => {
        const details = [c.company?.name, ...c.emails.map((e) => e.email), ...c.phones.map((p) => p.phone)].filter(Boolean);
        return t(actor.locale, 'chat.contact.line', { id: c.id, name: c.name, details: details.length ? ` · ${details.join(', ')}` : '' });
      });
      return [reply([t(actor.locale, 'chat.contact.title', { count: contacts.length }), ...lines].join('\n'))];
    },
  },
];
