// `serve` flags for the HTTP server's limits (src/server/limits.ts, docs/operations.md "Limits"):
// request and headers timeouts in seconds, open connections, JSON nesting depth.
import { MAX_JSON_DEPTH_SETTING } from '../../server/json-inspect.js'
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../../server/limits.js'

export interface LimitFlags {
  requestTimeout?: string
  headersTimeout?: string
  maxConnections?: string
  maxJsonDepth?: string
}

interface LimitFlag {
  key: keyof ServerLimits
  flag: string
  env: string
  /** Milliseconds per unit of the flag (seconds: 1000). */
  scale: number
  max: number
  what: string
}

const FLAGS: Record<keyof LimitFlags, LimitFlag> = {
  requestTimeout: {
    key: 'requestTimeoutMs',
    flag: '--request-timeout',
    env: 'REQUEST_TIMEOUT',
    scale: 1000,
    max: 3600,
    what: 'seconds',
  },
  headersTimeout: {
    key: 'headersTimeoutMs',
    flag: '--headers-timeout',
    env: 'HEADERS_TIMEOUT',
    scale: 1000,
    max: 3600,
    what: 'seconds',
  },
  maxConnections: {
    key: 'maxConnections',
    flag: '--max-connections',
    env: 'MAX_CONNECTIONS',
    scale: 1,
    max: 1_000_000,
    what: 'connections',
  },
  maxJsonDepth: {
    key: 'maxJsonDepth',
    flag: '--max-json-depth',
    env: 'MAX_JSON_DEPTH',
    scale: 1,
    max: MAX_JSON_DEPTH_SETTING,
    what: 'levels',
  },
}

/** Thrown for a bad value; `serve` turns it into its UsageError (exit code 2). */
export class LimitFlagError extends Error {}

/** The limits given by flags or environment (flags win); absent ones keep their defaults. */
export function limitsFromFlags(flags: LimitFlags, env: NodeJS.ProcessEnv): Partial<ServerLimits> {
  const limits: Partial<ServerLimits> = {}
  for (const [name, spec] of Object.entries(FLAGS) as [keyof LimitFlags, LimitFlag][]) {
    const text = flags[name] ?? (env[spec.env] !== '' ? env[spec.env] : undefined)
    if (text === undefined) continue
    const value = Number(text)
    if (!/^\d+$/.test(text.trim()) || value < 1 || value > spec.max) {
      throw new LimitFlagError(
        `${spec.flag} (${spec.env}) must be a whole number of ${spec.what} from 1 to ${spec.max} (got ${JSON.stringify(text)})`,
      )
    }
    limits[spec.key] = value * spec.scale
  }
  const request = limits.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs
  const headers = limits.headersTimeoutMs
  if (headers !== undefined && headers > request) {
    throw new LimitFlagError(
      `--headers-timeout (${headers / 1000} s) must not be longer than --request-timeout (${request / 1000} s)`,
    )
  }
  return limits
}

/** Commander option lines, with their environment variables and defaults. */
export const LIMIT_OPTIONS: ReadonlyArray<readonly [flags: string, description: string]> = [
  [
    '--request-timeout <seconds>',
    `a request's headers and body must arrive within this time, else 408 (env REQUEST_TIMEOUT, default ${DEFAULT_SERVER_LIMITS.requestTimeoutMs / 1000})`,
  ],
  [
    '--headers-timeout <seconds>',
    `a request's headers must arrive within this time, else 408 (env HEADERS_TIMEOUT, default ${DEFAULT_SERVER_LIMITS.headersTimeoutMs / 1000})`,
  ],
  [
    '--max-connections <n>',
    `open connections at most; over it the longest-waiting idle or slow one is closed (env MAX_CONNECTIONS, default ${DEFAULT_SERVER_LIMITS.maxConnections})`,
  ],
  [
    '--max-json-depth <n>',
    `deepest nesting of an event's JSON, 1 to ${MAX_JSON_DEPTH_SETTING} (env MAX_JSON_DEPTH, default ${DEFAULT_SERVER_LIMITS.maxJsonDepth})`,
  ],
]
