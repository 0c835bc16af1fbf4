// What of a message's files goes as files on a channel, and what is said instead (core/files/outgoing.ts).
import { describe, expect, it } from 'vitest';
import { humanSize, planForCustomer, planForMember, withFiles } from '../../../core/files/outgoing.js';
import type { ChatFiles } from '../../../core/files/file-store.js';
import type { Attachment } from '../../../core/chat/inbound.js';

const KB = 1024;
const files: ChatFiles = {
  store: { put: async () => {}, get: async () => null, has: async () => false, delete: async () => {}, deletePrefix: async () => 0 },
  sources: {},
  limits: { storeMaxBytes: 1000 * KB, downloadMaxBytes: { telegram: 20 * KB }, uploadMaxBytes: { telegram: 50 * KB, slack: 500 * KB, email: 60 * KB } },
};
const stored = (name: string, size: number, kind = 'document'): Attachment => ({
  kind,
  name,
  size,
  storageKey: `w1/telegram/${'a'.repeat(24)}/${'b'.repeat(24)}-0-${name}`,
});

describe('planning files for a team member', () => {
  it('sends what fits, gives a download link (or the CLI command) for what does not, and says what the bot could not fetch', () => {
    const attachments = [
      stored('small.pdf', 10 * KB),
      stored('big.pdf', 80 * KB),
      { kind: 'video', size: 30 * KB, unavailable: 'too_large' as const },
      { kind: 'photo', unavailable: 'gone' as const },
    ];
    const cli = planForMember(files, 'en', 'telegram', 'telegram', attachments);
    expect(cli.files.map((f) => f.name)).toEqual(['small.pdf']);
    expect(cli.notes).toEqual([
      `⚠️ Not attached: document «big.pdf» (80 KB). Telegram takes files up to 50 KB. Get it with: leadline file get ${attachments[1]!.storageKey}`,
      '⚠️ Not attached: video (30 KB). A bot may download at most 20 KB from Telegram: ask the customer to send it another way (a link or an email).',
      '⚠️ Not attached: photo. Telegram no longer gives it to the bot (deleted or not shared): ask the customer to send it again.',
    ]);
    const linked = planForMember({ ...files, link: (key, name) => `https://crm.example/files/${key}?name=${name}` }, 'ru', 'slack', 'email', [
      stored('big.pdf', 600 * KB),
    ]);
    expect(linked.files).toEqual([]);
    expect(linked.notes[0]).toBe(
      `⚠️ Не приложено: документ «big.pdf» (600 KB). Slack принимает файлы не больше 500 KB. Скачать: https://crm.example/files/${attachments[1]!.storageKey}?name=big.pdf`,
    );
  });

  it('plans nothing without file storage or a channel (the metadata lines stay)', () => {
    expect(planForMember(undefined, 'en', 'telegram', 'telegram', [stored('a.pdf', 1)])).toEqual({ files: [], notes: [] });
    expect(planForMember(files, 'en', null, 'telegram', [stored('a.pdf', 1)])).toEqual({ files: [], notes: [] });
  });
});

describe("planning a member's files for a customer", () => {
  it("counts an email's attachments together against its limit; a chat channel file by file", () => {
    const three = [stored('a.pdf', 25 * KB), stored('b.pdf', 25 * KB), stored('c.pdf', 25 * KB)];
    const email = planForCustomer(files, 'en', 'email', 'telegram', three);
    expect(email.files.map((f) => f.name)).toEqual(['a.pdf', 'b.pdf']);
    expect(email.notes).toEqual(['⚠️ Not sent: your document «c.pdf» (25 KB). email takes files up to 60 KB: send a link instead.']);
    expect(planForCustomer(files, 'en', 'telegram', 'telegram', three).files).toHaveLength(3);
    const own = planForCustomer(files, 'en', 'slack', 'telegram', [{ kind: 'document', name: 'x.zip', size: 25 * KB, unavailable: 'too_large' }]);
    expect(own.notes).toEqual(['⚠️ Not sent: your document «x.zip» (25 KB). A bot may download at most 20 KB from Telegram: send a link instead.']);
  });
});

describe('outbox items for files', () => {
  const text = { identityId: 1, text: 'Our offer', dedupeKey: 'relay:9', messageId: 9 };
  const f = (n: number) => ({ key: `k${n}`, name: `f${n}.pdf`, kind: 'document', size: 1 });

  it("a short text without buttons is the first file's caption; the other files follow, keyed after it", () => {
    expect(withFiles(text, 'telegram', [f(1), f(2)])).toEqual([
      { ...text, files: [f(1)] },
      { identityId: 1, text: '', files: [f(2)], dedupeKey: 'relay:9#f1' },
    ]);
  });

  it('a text with buttons (or too long for a caption) goes first on its own; an email carries every file', () => {
    const notice = { ...text, buttons: [[{ label: 'Take', data: 'lead:take:1' }]] };
    const items = withFiles(notice, 'slack', [f(1)]);
    expect(items).toEqual([notice, { identityId: 1, text: '', files: [f(1)], dedupeKey: 'relay:9#f0' }]);
    expect(withFiles({ ...text, text: 'x'.repeat(901) }, 'telegram', [f(1)])).toHaveLength(2);
    expect(withFiles(text, 'email', [f(1), f(2)])).toEqual([{ ...text, files: [f(1), f(2)] }]);
    expect(withFiles(text, 'telegram', [])).toEqual([text]);
  });

  it('sizes read as people write them', () => {
    expect([humanSize(900), humanSize(12 * KB), humanSize(1.5 * 1024 * KB), humanSize(150 * 1024 * KB)]).toEqual(['900 B', '12 KB', '1.5 MB', '150 MB']);
  });
});
