// Spec tests, written here, for update shapes no public source we reached had as a real
// payload (see test/fixtures/telegram/real/SOURCES.md): the fields follow the Bot API
// reference (core.telegram.org/bots/api: Contact, MessageOrigin*, Venue, ChatMemberUpdated).
import { describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';
import { translateUpdate } from '../../../bots/telegram/telegram-update.js';
import { inboundText } from '../../../core/chat/notify.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';

const person = { id: 501, is_bot: false, first_name: 'Olga', last_name: 'Petrova', language_code: 'ru' };
const chat = { id: 501, type: 'private', first_name: 'Olga' };
const msg = (extra: object, id = 9) =>
  ({ update_id: 700 + id, message: { message_id: id, date: 1_700_000_000, chat, from: person, ...extra } }) as unknown as Update;
const translate = (u: Update) => {
  const r = translateUpdate(u, '42');
  if (!('message' in r)) throw new Error(`ignored: ${r.ignored}`);
  return parseInboundMessage(r.message, new Date());
};

describe('Telegram update shapes (spec)', () => {
  it('the sender sharing their own phone: sender.phone in international form, and the card', () => {
    const m = translate(msg({ contact: { phone_number: '79161234567', first_name: 'Olga', user_id: 501 } }));
    expect(m.sender).toEqual({ phone: '+79161234567', name: 'Olga' });
    expect(m.sharedContact).toEqual({ phone: '+79161234567', name: 'Olga' });
    expect(inboundText('en', m)).toBe('📞 shared their phone number: +79161234567');
  });

  it("someone else's contact card is a card, not the sender's phone", () => {
    const m = translate(msg({ contact: { phone_number: '+44 20 7946 0958', first_name: 'Bob', last_name: 'Lee' } }));
    expect(m.sender).toBeUndefined();
    expect(inboundText('ru', m)).toBe('📞 поделился контактом: Bob Lee +44 20 7946 0958');
  });

  it('forward_origin of each kind keeps who wrote it', () => {
    const origins = [
      [
        { type: 'user', date: 1, sender_user: { id: 7, is_bot: false, first_name: 'Ivan', last_name: 'Sidorov' } },
        { kind: 'user', name: 'Ivan Sidorov' },
      ],
      [
        { type: 'hidden_user', date: 1, sender_user_name: 'Masha' },
        { kind: 'hidden_user', name: 'Masha' },
      ],
      [
        { type: 'chat', date: 1, sender_chat: { id: -100, type: 'supergroup', title: 'Builders' }, author_signature: 'admin' },
        { kind: 'chat', name: 'Builders (admin)' },
      ],
      [
        { type: 'channel', date: 1, chat: { id: -1001, type: 'channel', title: 'Price list' }, message_id: 5 },
        { kind: 'channel', name: 'Price list' },
      ],
    ] as const;
    for (const [origin, expected] of origins) expect(translate(msg({ text: 'see', forward_origin: origin })).forwardedFrom).toEqual(expected);
    expect(inboundText('en', translate(msg({ text: 'see', forward_origin: origins[1][0] })))).toBe('↪️ forwarded (the author hides their account: Masha)\nsee');
  });

  it('a venue keeps its name and address, with a map link', () => {
    const m = translate(
      msg({
        venue: { location: { latitude: 59.93863, longitude: 30.31413 }, title: 'Office', address: 'Nevsky 1' },
        location: { latitude: 59.93863, longitude: 30.31413 },
      }),
    );
    expect(m.location).toEqual({ latitude: 59.93863, longitude: 30.31413, title: 'Office', address: 'Nevsky 1' });
    expect(inboundText('en', m)).toBe('📍 Office, Nevsky 1\nhttps://www.openstreetmap.org/?mlat=59.93863&mlon=30.31413#map=17/59.93863/30.31413');
  });

  it('hidden link URLs are kept once each; written-out ones are not repeated to the manager', () => {
    const m = translate(
      msg({
        text: 'our catalogue and https://shop.example',
        entities: [
          { type: 'text_link', offset: 4, length: 9, url: 'https://cat.example/x' },
          { type: 'url', offset: 18, length: 20 },
          { type: 'text_link', offset: 4, length: 9, url: 'https://cat.example/x' },
        ],
      }),
    );
    expect(m.links).toEqual(['https://cat.example/x', 'https://shop.example']);
    expect(inboundText('en', m)).toBe('our catalogue and https://shop.example\n🔗 https://cat.example/x');
  });

  it('the bot blocked and unblocked in a private chat; added to or removed from a group, made its admin', () => {
    const change = (old: string, now: string, type = 'private') =>
      ({
        update_id: 1,
        my_chat_member: {
          chat: { ...chat, type },
          from: person,
          date: 5,
          old_chat_member: { status: old, user: { id: 42 } },
          new_chat_member: { status: now, user: { id: 42 } },
        },
      }) as unknown as Update;
    expect(translate(change('member', 'kicked'))).toMatchObject({ chatEvent: 'blocked', externalUserId: '501', externalChatId: '501', text: '' });
    expect(translate(change('kicked', 'member'))).toMatchObject({ chatEvent: 'unblocked' });
    expect(translate(change('member', 'left', 'group'))).toMatchObject({ chatEvent: 'group_removed', isGroup: true, externalUserId: '501' });
    expect(translate(change('left', 'member', 'supergroup'))).toMatchObject({ chatEvent: 'group_added', groupChat: { botIsAdmin: false } });
    expect(translate(change('member', 'administrator', 'supergroup'))).toMatchObject({ chatEvent: 'group_added', groupChat: { botIsAdmin: true } });
    expect(translateUpdate(change('administrator', 'member', 'group'), '42')).toEqual({ ignored: "the bot's rights in the group changed to member" });
    expect(translateUpdate(change('member', 'left', 'channel'), '42')).toEqual({ ignored: 'the bot was added to or removed from a channel' });
  });

  it("Telegram Business: a connection, a customer's and the owner's messages, an edit, deletions, and the bot's own echo", () => {
    const owner = { id: 900, is_bot: false, first_name: 'Mary' };
    const connection = (extra: object) =>
      ({
        update_id: 20,
        business_connection: { id: 'bc-9', user: owner, user_chat_id: 900, date: 1_700_000_000, is_enabled: true, ...extra },
      }) as unknown as Update;
    expect(translate(connection({ rights: { can_reply: true } }))).toMatchObject({
      chatEvent: 'business_connection',
      externalUserId: '900',
      externalChatId: '900',
      businessConnection: { id: 'bc-9', enabled: true, canReply: true },
    });
    // Bot API before 9.0: can_reply at the top; no right given: no replies
    expect(translate(connection({ can_reply: true })).businessConnection).toEqual({ id: 'bc-9', enabled: true, canReply: true });
    expect(translate(connection({ is_enabled: false })).businessConnection).toEqual({ id: 'bc-9', enabled: false, canReply: false });

    const biz = (kind: string, from: object, extra: object = {}) =>
      ({
        update_id: 21,
        [kind]: { message_id: 77, business_connection_id: 'bc-9', date: 1_700_000_000, chat, from, text: 'hi', ...extra },
      }) as unknown as Update;
    expect(translate(biz('business_message', person))).toMatchObject({
      business: { connectionId: 'bc-9', own: false },
      externalUserId: '501',
      externalChatId: '501',
      messageExternalId: 'b:77',
    });
    expect(translate(biz('business_message', owner)).business).toEqual({ connectionId: 'bc-9', own: true });
    expect(translate(biz('edited_business_message', person, { edit_date: 1_700_000_060 }))).toMatchObject({
      editOf: 'b:77',
      messageExternalId: 'b:77:edit:1700000060',
    });
    expect(translateUpdate(biz('business_message', owner, { sender_business_bot: { id: 42, is_bot: true, first_name: 'Bot' } }), '42')).toEqual({
      ignored: "a message a bot sent on the business account's behalf (Leadline's own answer)",
    });
    const deleted = { update_id: 22, deleted_business_messages: { business_connection_id: 'bc-9', chat, message_ids: [77, 78] } } as unknown as Update;
    expect(translate(deleted)).toMatchObject({ chatEvent: 'deleted', business: { connectionId: 'bc-9' }, deletedIds: ['b:77', 'b:78'], externalChatId: '501' });
  });

  it("a group's message carries the group's title", () => {
    const group = { id: -100555, type: 'supergroup', title: 'Acme × Us' };
    const m = translate({ update_id: 30, message: { message_id: 3, date: 5, chat: group, from: person, text: 'any news?' } } as unknown as Update);
    expect(m).toMatchObject({ isGroup: true, groupChat: { title: 'Acme × Us' }, externalUserId: '501', externalChatId: '-100555' });
  });

  it('an anonymous admin speaks as the group; channel posts and automatic forwards are ignored on purpose', () => {
    const group = { id: -100777, type: 'supergroup', title: 'Clients' };
    const anon = {
      update_id: 3,
      message: { message_id: 3, date: 5, chat: group, sender_chat: group, from: { id: 1087968824, is_bot: true, first_name: 'Group' }, text: 'price?' },
    } as unknown as Update;
    expect(translate(anon)).toMatchObject({ externalUserId: 'chat:-100777', displayName: 'Clients', isGroup: true, text: 'price?' });
    expect(
      translateUpdate(
        { update_id: 4, channel_post: { message_id: 1, date: 5, chat: { id: -1001, type: 'channel', title: 'News' }, text: 'sale' } } as unknown as Update,
        '42',
      ),
    ).toEqual({
      ignored: "a channel post (the business's own broadcast, nobody writes to it there)",
    });
    const auto = { update_id: 5, message: { ...(anon as { message: object }).message, is_automatic_forward: true } } as unknown as Update;
    expect(translateUpdate(auto, '42')).toEqual({ ignored: "the linked channel's post copied into its discussion group" });
  });

  it('an edit points at the message it changes; a live location moving is no edit', () => {
    const edit = {
      update_id: 6,
      edited_message: { message_id: 9, date: 1_700_000_000, edit_date: 1_700_000_060, chat, from: person, text: 'call me at 5' },
    } as unknown as Update;
    expect(translate(edit)).toMatchObject({
      editOf: '9',
      messageExternalId: '9:edit:1700000060',
      text: 'call me at 5',
      receivedAt: new Date(1_700_000_060_000).toISOString(),
    });
    const live = {
      update_id: 7,
      edited_message: { message_id: 9, date: 1, edit_date: 2, chat, from: person, location: { latitude: 1, longitude: 2, live_period: 60 } },
    } as unknown as Update;
    expect(translateUpdate(live, '42')).toEqual({ ignored: 'a live location moving (not an edit of what was said)' });
  });
});
