// Phone numbers are stored in E.164 ("+79161234567"). Local numbers are read in the
// workspace's region (workspace.phoneRegion), e.g. "8 (916) 123-45-67" in RU.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Returns the E.164 form, or null when the text is not a valid phone number. */
export function normalizePhone(raw: string | number | null | undefined, region: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim();
  if (!s || s.length > 40) return null;
  // at least 5 digits: protects against dates and short codes being read as numbers
  if ((s.match(/\d/g)?.length ?? 0) < 5) return null;
  const country = (region ? region.toUpperCase() : undefined) as CountryCode | undefined;
  try {
    const parsed = parsePhoneNumberFromString(s, country ? { defaultCountry: country } : undefined);
    if (!parsed || !parsed.isValid()) return null;
    return parsed.number;
  } catch {
    return null;
  }
}
