import { DomainError } from '../../core/errors.js';

/** The catalog key of the DomainError `fn` throws; undefined when it does not throw. */
export function errorKey(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.key : 'not a DomainError';
  }
  return undefined;
}
