// /contact QUERY: find people by name, email, phone or company; /contact N: the contact card (value.ts).
import { t } from '../../i18n/index.js';
import { searchContacts } from '../../contacts/search-contacts.js';
import { reply } from '../reply.js';
import type { Command } from './command.js';
import { say, usage } from './command.js';
import { contactCard, contactIdArg } from './value.js';

export const contactCommands: Command[] = [
  {
    names: ['contact', 'contacts', 'контакт', 'контакты'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/contact QUERY');
      const id = contactIdArg(args);
      if (id !== null) return contactCard(turn, actor, id);
      const contacts = await searchContacts(turn.ctx, actor, args, 15);
      if (contacts.length === 0) return say(actor, 'chat.contact.empty', { query: args });
      const lines = contacts.map((c) => {
        const details = [c.company?.name, ...c.emails.map((e) => e.email), ...c.phones.map((p) => p.phone)].filter(Boolean);
        return t(actor.locale, 'chat.contact.line', { id: c.id, name: c.name, details: details.length ? ` · ${details.join(', ')}` : '' });
      });
      const open = contacts
        .slice(0, 8)
        .map((c) => [{ label: t(actor.locale, 'value.button.open_contact', { id: c.id, name: c.name.slice(0, 24) }), data: `contact:show:${c.id}` }]);
      return [reply([t(actor.locale, 'chat.contact.title', { count: contacts.length }), ...lines].join('\n'), open)];
    },
  },
];
