// Every time bound of the PostgreSQL backend, in one place (docs/store.md, "PostgreSQL timeouts"). A
// server that is gone closes its connections and the driver fails at once; a server that stops
// answering (a hung host, a network that drops packets silently) closes nothing, and without these
// bounds a query would wait forever: ingest would never answer, /readyz would hang with it, and the
// pool's every connection would end up waiting too.

export interface PgTimeouts {
  /** Opening a connection, and waiting for a free one when the pool's are all in use. */
  connectMs: number
  /** The server cancels a statement that runs longer (`statement_timeout`, SQLSTATE 57014). */
  statementMs: number
  /**
   * No answer to a query within this: the driver gives up and the connection leaves the pool. Longer
   * than statementMs, so that a merely slow statement is cancelled by the server first.
   */
  queryMs: number
  /** The server ends a session idle inside a transaction for longer (its client vanished): its locks go. */
  idleInTransactionMs: number
  /** TCP keepalive probes on a connection idle for this long, so that a dead peer is noticed. */
  keepAliveDelayMs: number
  /** The write probe of readiness and of delivery's outage wait (`SELECT txid_current()`). */
  probeMs: number
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = {
  connectMs: 5_000,
  statementMs: 15_000,
  queryMs: 20_000,
  idleInTransactionMs: 60_000,
  keepAliveDelayMs: 10_000,
  probeMs: 3_000,
}

/**
 * Migrations may wait for another node's (an advisory lock) and rewrite large tables: bounded only by
 * this, with no statement timeout.
 */
export const MIGRATION_TIMEOUT_MS = 30 * 60_000

/**
 * A query with a query timeout of its own instead of the pool's: pg reads `query_timeout` from a
 * query's config as from the client's (lib/client.js), though its types list it for clients only.
 */
export function withQueryTimeout<C extends { text: string; values?: unknown[] }>(config: C, ms: number): C {
  return { ...config, query_timeout: ms }
}

export function resolvePgTimeouts(given: Partial<PgTimeouts> | undefined): PgTimeouts {
  return { ...DEFAULT_PG_TIMEOUTS, ...given }
}

/** The pool's connection settings for `timeouts`. */
export function poolSettings(timeouts: PgTimeouts) {
  return {
    ...lockClientSettings(timeouts),
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  }
}

/**
 * A connection that holds a lock between nodes (startup-lock.ts): it waits for the lock as long as
 * another node holds it, so only connecting is bounded; keepalive notices a peer that is gone.
 */
export function lockClientSettings(timeouts: PgTimeouts) {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveDelayMs,
  }
}
