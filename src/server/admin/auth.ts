// The admin token check: `Authorization: Bearer <token>` or `X-Admin-Token`. Only the token's SHA-256
// is held (the store keeps no more either); a presented token is hashed and the two digests compared
// in constant time. A rotation (another process, another node) swaps the digest in place.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

export const ADMIN_PREFIX = '/api/admin'

/** The token's SHA-256 in hex: what the store keeps and the gate compares. */
export function adminTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const HASH = /^[0-9a-f]{64}$/

/** Which admin token is accepted: held as its hash, replaceable while the server runs. */
export class AdminTokenGate {
  #digest: Buffer

  constructor(hash: string) {
    this.#digest = AdminTokenGate.#parse(hash)
  }

  /** A gate for a token given in full (--admin-token): only its hash is kept. */
  static of(token: string): AdminTokenGate {
    return new AdminTokenGate(adminTokenHash(token))
  }

  static #parse(hash: string): Buffer {
    if (!HASH.test(hash)) throw new TypeError('an admin token hash is 64 lowercase hex characters')
    return Buffer.from(hash, 'hex')
  }

  get hash(): string {
    return this.#digest.toString('hex')
  }

  /** From now on, only the token of this hash is accepted. */
  replace(hash: string): void {
    this.#digest = AdminTokenGate.#parse(hash)
  }

  /** Constant-time comparison (of fixed-length digests, so the length leaks nothing either). */
  matches(presented: string | undefined): boolean {
    if (presented === undefined || presented === '') return false
    return timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), this.#digest)
  }
}

/** The token of `Authorization: Bearer <token>` or `X-Admin-Token`. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim()
  const alt = request.headers['x-admin-token']
  return typeof alt === 'string' ? alt : undefined
}

/** A token given in full (tests, embedding) or a gate the caller keeps up to date. */
export function adminTokenGate(token: string | AdminTokenGate): AdminTokenGate {
  return typeof token === 'string' ? AdminTokenGate.of(token) : token
}
