// Expected failures are DomainErrors: a code plus a catalog key, rendered as a friendly
// localized reply by each transport (or one readable line by the CLI).
import type { MessageKey, Params } from './i18n/index.js';
import { stageLabel, t, type Locale } from './i18n/index.js';

/**
 * Params that name stages, listed (comma-separated) in the `stageNames` param: shown as the
 * reader's stage labels ("Won" is «Выиграна» in Russian), as the chat shows stages elsewhere.
 */
function shown(locale: Locale, params: Params): Params {
  const keys = typeof params.stageNames === 'string' ? params.stageNames.split(',') : [];
  if (keys.length === 0) return params;
  const out = { ...params };
  for (const k of keys) if (typeof out[k] === 'string') out[k] = stageLabel(locale, out[k]);
  return out;
}

export type DomainErrorCode = 'not_found' | 'forbidden' | 'invalid_input' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly key: MessageKey,
    readonly params: Params = {},
  ) {
    super(t('en', key, shown('en', params)));
    this.name = 'DomainError';
  }

  localized(locale: Locale): string {
    return t(locale, this.key, shown(locale, this.params));
  }
}

export const notFound = (what: MessageKey, params: Params = {}) =>
  new DomainError('not_found', 'error.not_found', { what: t('en', what, params), ...params, whatKey: what });

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** Renders any error for a person: DomainErrors in their language, anything else as a generic line. */
export function describeError(e: unknown, locale: Locale): string {
  if (isDomainError(e)) {
    if (e.key === 'error.not_found' || e.key === 'error.forbidden') {
      const whatKey = e.params.whatKey as MessageKey | undefined;
      const what = whatKey ? t(locale, whatKey, e.params) : String(e.params.what ?? '');
      return t(locale, e.key, { ...e.params, what });
    }
    return e.localized(locale);
  }
  return t(locale, 'error.internal');
}

export const forbidden = (what: MessageKey, params: Params = {}) =>
  new DomainError('forbidden', 'error.forbidden', { what: t('en', what, params), ...params, whatKey: what });

export const invalid = (key: MessageKey, params: Params = {}) => new DomainError('invalid_input', key, params);

/** The request was fine but the record is no longer in a state that allows it (closed, already done by someone else). */
export const conflict = (key: MessageKey, params: Params = {}) => new DomainError('conflict', key, params);
