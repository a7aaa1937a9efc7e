// The forgotten users as this service keeps them: salted hashes (HMAC-SHA256 with the store's salt)
// of identity keys, never the identifiers. An identity key is spelt as delivery's ordering keys
// are: `u:<userId>`, `e:<lower-cased email>`. Checking costs nothing while the set is empty, and
// one hash per key otherwise.
import { createHmac } from 'node:crypto'

export const USER_ID_KEY = 'u:'
export const EMAIL_KEY = 'e:'

export interface UserIdentifiers {
  email?: string | undefined
  userId?: string | undefined
}

/** The identity keys of a user named by email and/or userId. */
export function identityKeys(user: UserIdentifiers): string[] {
  const keys: string[] = []
  if (user.userId !== undefined && user.userId !== '') keys.push(USER_ID_KEY + user.userId)
  if (user.email !== undefined && user.email !== '') keys.push(EMAIL_KEY + user.email.toLowerCase())
  return keys
}

export function hashIdentityKey(salt: string, key: string): string {
  return createHmac('sha256', salt).update(key).digest('hex')
}

export class ForgottenSet {
  static readonly EMPTY = new ForgottenSet('', [])
  readonly #hashes: ReadonlySet<string>

  constructor(
    readonly salt: string,
    hashes: Iterable<string>,
  ) {
    this.#hashes = new Set(hashes)
  }

  get size(): number {
    return this.#hashes.size
  }

  /** Whether this set holds exactly these hashes. */
  sameAs(hashes: readonly string[]): boolean {
    return hashes.length === this.#hashes.size && hashes.every((hash) => this.#hashes.has(hash))
  }

  /** Whether any of these identity keys is forgotten (no hashing while the set is empty). */
  hasAny(keys: readonly string[]): boolean {
    if (this.#hashes.size === 0) return false
    for (const key of keys) if (this.#hashes.has(hashIdentityKey(this.salt, key))) return true
    return false
  }
}
