// `serve` options: what they mean, where they come from (flags, then environment, then defaults)
// and which combinations are refused (UsageError, exit code 2).
import { isDataCenterLocation, parseDataCenterLocation } from '../../iterable/regions.js'
import type { DeliveryOptions } from '../../delivery/index.js'
import type { Logger } from 'pino'
import type { PgTimeouts, StoreLimits } from '../../store/index.js'
import { resolveServerLimits, type ServerLimits } from '../../server/limits.js'
import { LimitFlagError, limitsFromFlags, type LimitFlags } from './limit-flags.js'

/** Bad or conflicting options: the command exits with code 2 and this message. */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface ServeOptions {
  port: number
  host: string
  /** SQLite data folder (default ./.data). Not used, and refused, with PostgreSQL. */
  dataDir?: string
  /** postgres:// URL: the store is PostgreSQL (several nodes may share it) instead of SQLite. */
  databaseUrl?: string
  /** PostgreSQL schema for every table (default public). */
  databaseSchema?: string
  /** PostgreSQL connection, statement and query timeouts (default DEFAULT_PG_TIMEOUTS). */
  databaseTimeouts?: Partial<PgTimeouts>
  /** Key for secrets at rest, the same on every node: 64 hex characters or base64 of 32 bytes. */
  secretKey?: string
  /**
   * Override: each project's limits are 1/n of Iterable's (the nodes need none: one node at a time
   * sends for a project); for a project other programs send to as well.
   */
  rateLimitNodes?: number
  /** Delivery lease (default 15 s): a dead node's deliveries are taken over within about this long. */
  leaseMs?: number
  config?: string
  writeKey?: string
  apiKey?: string
  dataCenter?: string
  iterableUrl?: string
  sandbox?: boolean
  adminToken?: string
  logLevel?: string
  logger?: Logger
  delivery?: Partial<DeliveryOptions>
  /**
   * Deliver on a worker thread with its own store connection (the CLI's default), so ingest answers
   * never wait behind delivery work. Needs the built JavaScript (dist/).
   */
  deliveryThread?: boolean
  /** Events of forgotten users (`users forget`): dropped (default) or refused with an error. */
  forgottenUsers?: 'drop' | 'refuse'
  /** Retention and size caps of the store (default DEFAULT_LIMITS: events 7 days and 1 GiB, …). */
  storeLimits?: Partial<StoreLimits>
  /** How often retention runs (default 10 min; the first run 10 s after start). */
  pruneEveryMs?: number
  /** Several nodes: how often each reads the store's configuration for changes (default 2 s). */
  configWatchMs?: number
  /** HTTP timeouts, open connections, JSON depth (default DEFAULT_SERVER_LIMITS; docs/operations.md). */
  serverLimits?: Partial<ServerLimits>
}

export const DEFAULT_PORT = 3000
export const DEFAULT_DATA_DIR = './.data'

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/
const KEY_FORMAT = '64 hex characters or base64 of 32 bytes (make one with `openssl rand -hex 32`)'

function checkSecretKey(options: ServeOptions): void {
  if (options.databaseUrl === undefined) {
    if (options.secretKey !== undefined) {
      throw new UsageError(
        '--secret-key (SECRET_KEY) is for PostgreSQL (--database-url / DATABASE_URL); ' +
          'SQLite keeps its key in <data>/secret.key',
      )
    }
    return
  }
  if (options.secretKey === undefined) {
    throw new UsageError(
      'PostgreSQL (--database-url / DATABASE_URL) needs --secret-key or SECRET_KEY: the key that ' +
        `encrypts API keys and write keys at rest, the same on every node; ${KEY_FORMAT}`,
    )
  }
  const text = options.secretKey.trim()
  // The key itself is never part of a message.
  if (!HEX_KEY.test(text) && !BASE64_KEY.test(text)) {
    throw new UsageError(`--secret-key (SECRET_KEY) is malformed: it must be ${KEY_FORMAT}`)
  }
}

/** --database-url, --database-schema and --data together (also for `admin-token rotate`). */
export function checkDatabase(
  options: Pick<ServeOptions, 'databaseUrl' | 'databaseSchema' | 'dataDir'>,
): void {
  if (options.databaseUrl === undefined) {
    if (options.databaseSchema !== undefined) {
      throw new UsageError('--database-schema (DATABASE_SCHEMA) needs --database-url (DATABASE_URL)')
    }
    return
  }
  let url: URL | null = null
  try {
    url = new URL(options.databaseUrl)
  } catch {
    // reported below
  }
  if (url === null || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    // The URL may hold a password: it is not repeated.
    throw new UsageError('--database-url (DATABASE_URL) must be a postgres:// or postgresql:// URL')
  }
  if (options.dataDir !== undefined) {
    throw new UsageError(
      '--data (DATA_DIR) is the SQLite data folder and conflicts with --database-url (DATABASE_URL): ' +
        'with PostgreSQL everything is in the database; remove one of them',
    )
  }
  if (options.databaseSchema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.databaseSchema)) {
    throw new UsageError(
      `--database-schema must be a plain identifier (letters, digits, _; at most 63): "${options.databaseSchema}"`,
    )
  }
}

export function checkOptions(options: ServeOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535 (got ${String(options.port)})`)
  }
  if (options.sandbox && options.iterableUrl) {
    throw new UsageError(
      '--sandbox and --iterable-url (ITERABLE_BASE_URL) conflict: choose one delivery target',
    )
  }
  if (options.dataCenter !== undefined && !isDataCenterLocation(options.dataCenter)) {
    throw new UsageError(
      `--data-center must be united_states (US) or europe (EU) (got "${options.dataCenter}")`,
    )
  }
  if (options.iterableUrl !== undefined) {
    let url: URL
    try {
      url = new URL(options.iterableUrl)
    } catch {
      throw new UsageError(`--iterable-url is not a URL: "${options.iterableUrl}"`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--iterable-url must be http(s): "${options.iterableUrl}"`)
    }
  }
  if (options.writeKey !== undefined && options.writeKey.trim() === '')
    throw new UsageError('--write-key is empty')
  if (options.apiKey !== undefined && options.apiKey.trim() === '') throw new UsageError('--api-key is empty')
  if (options.adminToken !== undefined && options.adminToken.length < 8) {
    throw new UsageError('--admin-token must be at least 8 characters')
  }
  if (
    options.rateLimitNodes !== undefined &&
    (!Number.isInteger(options.rateLimitNodes) || options.rateLimitNodes < 1)
  ) {
    throw new UsageError(
      `--rate-limit-nodes must be a whole number of nodes, 1 or more (got ${String(options.rateLimitNodes)})`,
    )
  }
  if (options.leaseMs !== undefined && (!Number.isInteger(options.leaseMs) || options.leaseMs < 1000)) {
    throw new UsageError(
      `--lease-ms must be a whole number of milliseconds, 1000 or more (got ${String(options.leaseMs)})`,
    )
  }
  checkDatabase(options)
  checkSecretKey(options)
  try {
    resolveServerLimits(options.serverLimits)
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
}

export interface ServeFlags extends LimitFlags {
  port?: string
  host?: string
  data?: string
  databaseUrl?: string
  databaseSchema?: string
  secretKey?: string
  rateLimitNodes?: string
  leaseMs?: string
  config?: string
  writeKey?: string
  apiKey?: string
  dataCenter?: string
  iterableUrl?: string
  sandbox?: boolean
  adminToken?: string
  logLevel?: string
  deliveryThread?: string
  forgottenUsers?: string
}

function parseOnOff(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback
  if (text === 'on') return true
  if (text === 'off') return false
  throw new UsageError(`${name} must be on or off (got ${JSON.stringify(text)})`)
}

function parseCount(text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined || text === '') return fallback
  return /^\d+$/.test(text) ? Number(text) : NaN
}

/** `US`/`EU` become `united_states`/`europe`; anything unknown is kept for checkOptions to refuse. */
function dataCenterOption(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (parseDataCenterLocation(value) ?? value)
}

/** Flags win over environment variables, which win over defaults. */
export function optionsFromFlags(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const pick = (flag: string | undefined, name: string): string | undefined =>
    flag ?? (env[name] !== undefined && env[name] !== '' ? env[name] : undefined)
  const options: ServeOptions = {
    port: parseCount(flags.port ?? env.PORT, DEFAULT_PORT) as number,
    host: pick(flags.host, 'HOST') ?? '127.0.0.1',
    sandbox: flags.sandbox === true || env.SANDBOX === 'true' || env.SANDBOX === '1',
    deliveryThread: parseOnOff(
      '--delivery-thread (DELIVERY_THREAD)',
      pick(flags.deliveryThread, 'DELIVERY_THREAD'),
      true,
    ),
  }
  const forgottenUsers = pick(flags.forgottenUsers, 'FORGOTTEN_USERS')
  if (forgottenUsers !== undefined) {
    if (forgottenUsers !== 'drop' && forgottenUsers !== 'refuse')
      throw new UsageError(
        `--forgotten-users (FORGOTTEN_USERS) must be drop or refuse (got ${JSON.stringify(forgottenUsers)})`,
      )
    options.forgottenUsers = forgottenUsers
  }
  const databaseUrl = pick(flags.databaseUrl, 'DATABASE_URL')
  const optional = {
    // The SQLite default folder only without PostgreSQL: a --data given with it is refused.
    dataDir: pick(flags.data, 'DATA_DIR') ?? (databaseUrl === undefined ? DEFAULT_DATA_DIR : undefined),
    databaseUrl,
    databaseSchema: pick(flags.databaseSchema, 'DATABASE_SCHEMA'),
    secretKey: pick(flags.secretKey, 'SECRET_KEY'),
    rateLimitNodes: parseCount(pick(flags.rateLimitNodes, 'RATE_LIMIT_NODES'), undefined),
    leaseMs: parseCount(pick(flags.leaseMs, 'LEASE_MS'), undefined),
    config: pick(flags.config, 'CONFIG_FILE'),
    writeKey: pick(flags.writeKey, 'WRITE_KEY'),
    apiKey: pick(flags.apiKey, 'ITERABLE_API_KEY'),
    dataCenter: dataCenterOption(pick(flags.dataCenter, 'ITERABLE_DATA_CENTER')),
    iterableUrl: pick(flags.iterableUrl, 'ITERABLE_BASE_URL'),
    adminToken: pick(flags.adminToken, 'ADMIN_TOKEN'),
    logLevel: pick(flags.logLevel, 'LOG_LEVEL'),
  }
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[name] = value
  }
  try {
    const limits = limitsFromFlags(flags, env)
    if (Object.keys(limits).length > 0) options.serverLimits = limits
  } catch (error) {
    if (error instanceof LimitFlagError) throw new UsageError(error.message)
    throw error
  }
  return options
}
