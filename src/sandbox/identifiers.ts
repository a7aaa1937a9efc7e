// Email and userId rules of spec §6: emails are validated like Apache Commons EmailValidator
// (syntax + a plausible TLD, not deliverability) and stored lower-cased; userIds are non-empty,
// at most 52 characters, printable ASCII, without trailing space.

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
// Without the IANA list we accept alphabetic TLDs of 2..63 letters and punycode TLDs.
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

export const MAX_USER_ID_LENGTH = 52

/** Returns the lower-cased email, or undefined when it is not a valid address. */
export function normalizeEmail(raw: string): string | undefined {
  if (raw.length < 3 || raw.length > 254) return undefined
  const at = raw.lastIndexOf('@')
  if (at <= 0 || at === raw.length - 1) return undefined
  const local = raw.slice(0, at)
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined
  const domain = raw.slice(at + 1).toLowerCase()
  const labels = domain.split('.')
  if (labels.length < 2) return undefined
  for (const label of labels) if (!DOMAIN_LABEL.test(label)) return undefined
  if (!TLD.test(labels[labels.length - 1])) return undefined
  return raw.toLowerCase()
}

/** True when the userId would be listed in `invalidUserIds` (spec §4.2, §6). */
export function isValidUserId(userId: string): boolean {
  if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) return false
  if (userId.trim().length === 0 || userId.endsWith(' ')) return false
  for (let i = 0; i < userId.length; i++) {
    const c = userId.charCodeAt(i)
    if (c < 0x20 || c > 0x7e) return false
  }
  return true
}
