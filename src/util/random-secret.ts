import { randomBytes } from 'node:crypto'

/** A new random secret (write key, admin token): the prefix says what it is, then 144 random bits. */
export function generateSecret(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url')
}
