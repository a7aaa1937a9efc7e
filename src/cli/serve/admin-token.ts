// The admin token of `serve`: given (--admin-token / ADMIN_TOKEN, nothing stored), or the store's
// own, made at the first start and kept as its hash, so that restarts (and every node on PostgreSQL)
// accept the same token. `admin-token rotate` replaces the stored hash; running services notice
// within ADMIN_TOKEN_WATCH_MS by reading that one row, never per admin request.
import type { Logger } from 'pino'
import { adminTokenHash, AdminTokenGate } from '../../server/admin/auth.js'
import type { NewAdminToken, Store } from '../../store/index.js'
import { EveryInterval } from '../../util/every-interval.js'
import { generateSecret } from '../../util/random-secret.js'
import { secretHint } from '../../util/secret-hint.js'

export const ADMIN_TOKEN_WATCH_MS = 2000

/** Generated at this start (shown once), given (--admin-token / ADMIN_TOKEN), or kept in the store. */
export type AdminTokenOrigin = 'generated' | 'given' | 'stored'

export interface ServeAdminToken {
  gate: AdminTokenGate
  origin: AdminTokenOrigin
  /** The token in full, only when generated at this start: the banner prints it once. */
  token: string | null
  /** Its last 4 characters (for the banner), unless it was given. */
  hint: string | null
}

/** A new random token and what the store keeps of it. */
export function newAdminToken(): { token: string; stored: NewAdminToken } {
  const token = generateSecret('adm_')
  return { token, stored: { hash: adminTokenHash(token), hint: secretHint(token) } }
}

export async function resolveAdminToken(store: Store, given: string | undefined): Promise<ServeAdminToken> {
  if (given !== undefined) return { gate: AdminTokenGate.of(given), origin: 'given', token: null, hint: null }
  const stored = await store.getAdminToken()
  if (stored !== null)
    return { gate: new AdminTokenGate(stored.hash), origin: 'stored', token: null, hint: stored.hint }
  // Nodes starting together each make one: the first kept wins, the others take it.
  const made = newAdminToken()
  const kept = await store.setAdminTokenIfAbsent(made.stored)
  return {
    gate: new AdminTokenGate(kept.token.hash),
    origin: kept.created ? 'generated' : 'stored',
    token: kept.created ? made.token : null,
    hint: kept.token.hint,
  }
}

/** Follows rotations of the stored token into `gate`; the returned function stops it. */
export function watchAdminToken(
  store: Store,
  gate: AdminTokenGate,
  logger: Logger,
  everyMs = ADMIN_TOKEN_WATCH_MS,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  // A store away fails every check: said once per interval, not every 2 s.
  const failures = new EveryInterval(30_000)
  const check = async (): Promise<void> => {
    if (stopped) return
    try {
      const stored = await store.getAdminToken()
      if (stored === null || stored.hash === gate.hash || stopped) return
      gate.replace(stored.hash)
      logger.info(
        { hint: `…${stored.hint}` },
        'the admin token was rotated (admin-token rotate): the new one is accepted, the old one refused',
      )
    } catch (error) {
      const held = failures.pass()
      if (held !== null)
        logger.error({ err: error, similarFailuresNotLogged: held }, 'admin token check failed')
    }
  }
  const timer = setInterval(() => {
    running = running.then(check)
  }, everyMs)
  timer.unref()
  return async () => {
    stopped = true
    clearInterval(timer)
    await running
  }
}
