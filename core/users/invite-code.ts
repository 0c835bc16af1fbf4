// One-time invite codes: random, easy to type (no 0/O, 1/I/L), stored only as a sha256.
import { createHash, randomInt } from 'node:crypto';

/** Crockford-style alphabet without lookalike characters. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const INVITE_CODE_LENGTH = 10;
export const INVITE_TTL_DAYS = 7;

/** 10 characters from 31 symbols: about 49.5 bits of randomness. */
export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** What people type: any case, with spaces or dashes between groups. */
export function normalizeInviteCode(input: string): string {
  return (input ?? '').toUpperCase().replace(/[\s-]/g, '');
}

export function hashInviteCode(input: string): string {
  return createHash('sha256').update(normalizeInviteCode(input)).digest('hex');
}

export function inviteExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITE_TTL_DAYS * 24 * 3600_000);
}
