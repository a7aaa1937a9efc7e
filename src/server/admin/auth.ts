// The admin token check: `Authorization: Bearer <token>` or `X-Admin-Token`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

export const ADMIN_PREFIX = '/api/admin'

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** The token of `Authorization: Bearer <token>` or `X-Admin-Token`. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim()
  const alt = request.headers['x-admin-token']
  return typeof alt === 'string' ? alt : undefined
}

/** Constant-time comparison (of fixed-length digests, so the length leaks nothing either). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === '') return false
  return timingSafeEqual(digest(presented), digest(expected))
}
