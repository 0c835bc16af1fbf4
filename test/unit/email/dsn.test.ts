// What a delivery status says about the address: only a permanent failure about the address
// (RFC 3463 subject classes 0, 1, 2 and 4) marks it; a refusal of the message (too big, spam,
// policy) and any delay or success never does.
import { describe, expect, it } from 'vitest';
import { isPermanentFailure, parseDeliveryStatus, statusBlamesAddress, textBlamesAddress } from '../../../core/email/dsn.js';

describe('delivery status', () => {
  it('blames the address for addressing, mailbox and routing failures, not for message, content or policy refusals', () => {
    for (const s of ['5.0.0', '5.1.1', '5.1.2', '5.2.1', '5.2.2', '5.4.4']) expect(statusBlamesAddress(s), s).toBe(true);
    for (const s of ['5.3.4', '5.5.0', '5.6.1', '5.7.1', '5.7.26']) expect(statusBlamesAddress(s), s).toBe(false);
  });

  it('marks only failed recipients with an address-level 5.x.x', () => {
    const records = parseDeliveryStatus(
      [
        'Reporting-MTA: dns; mx.example.org',
        '',
        'Final-Recipient: rfc822; gone@example.org',
        'Action: failed',
        'Status: 5.1.1',
        '',
        'Final-Recipient: rfc822; spam@example.org',
        'Action: failed',
        'Status: 5.7.1',
        '',
        'Final-Recipient: rfc822; later@example.org',
        'Action: delayed',
        'Status: 4.4.7',
        '',
        'Final-Recipient: rfc822; ok@example.org',
        'Action: delivered',
        'Status: 2.0.0',
      ].join('\n'),
    );
    expect(records.filter(isPermanentFailure).map((r) => r.recipient)).toEqual(['gone@example.org']);
  });

  it('reads the enhanced codes a plain-text report quotes', () => {
    expect(textBlamesAddress('550 5.1.1 <a@b.example>: Recipient address rejected: User unknown')).toBe(true);
    expect(textBlamesAddress('554 5.7.1 Message cannot be accepted, spam rejection')).toBe(false);
    expect(textBlamesAddress('550 No account by that name here')).toBe(true);
  });

  it('believes the server that says the address is unknown even under a message-level class', () => {
    const [sendmail] = parseDeliveryStatus(
      'Final-Recipient: RFC822; edwin@example.com\nAction: failed\nStatus: 5.3.0\nDiagnostic-Code: SMTP; 553 5.3.0 <edwin@example.com>... Unknown E-Mail Address',
    );
    expect(isPermanentFailure(sendmail!)).toBe(true);
    const [dmarc] = parseDeliveryStatus(
      "Final-Recipient: rfc822; ann@example.com\nAction: failed\nStatus: 5.7.26\nDiagnostic-Code: smtp; 550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
    );
    expect(isPermanentFailure(dmarc!)).toBe(false);
  });
});
