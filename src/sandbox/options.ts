// Sandbox options: projects (type, data center, keys) and the behaviour switches for the
// spec's undocumented (⚠) points. `normalizeOptions` validates and fills defaults once.

import { randomBytes } from 'node:crypto'
import { SandboxConfigError } from './api-error.js'
import type { TypeCoercion } from './field-types.js'
import type { MergeDepth } from './data-fields.js'
import type { FaultUpdate } from './faults.js'
import {
  subscriptionGroups,
  type ChannelOptions,
  type ListOptions,
  type MessageTypeOptions,
  type SubscriptionGroups,
} from './subscription-groups.js'

export type ProjectType = 'email' | 'userId' | 'hybrid'
export type DataCenter = 'US' | 'EU'

export const PROJECT_TYPES: readonly ProjectType[] = ['email', 'userId', 'hybrid']
export const DATA_CENTERS: readonly DataCenter[] = ['US', 'EU']

export interface ProjectOptions {
  name?: string
  /** One of PROJECT_TYPES (checked when the project is created). */
  type?: string
  /** One of DATA_CENTERS (checked when the project is created). */
  dataCenter?: string
  apiKeys?: string[]
  /** Project setting "allow new fields" (overridden per request by `createNewFields`). */
  allowNewFields?: boolean
  /** Event names trackBulk reports in `disallowedEventNames`. */
  disallowedEventNames?: string[]
  /** When set, only these list ids exist; otherwise any positive list id is accepted. */
  listIds?: number[]
  webhooks?: unknown[]
  /** Iterable enables the Subscriptions API per project (default true here; 404 when false). */
  subscriptionsApi?: boolean
  channels?: ChannelOptions[]
  messageTypes?: MessageTypeOptions[]
  /** Lists as GET /api/lists shows them (default: `listIds`, named "List <id>"). */
  lists?: ListOptions[]
}

export interface ProjectConfig {
  name: string
  id: number
  type: ProjectType
  dataCenter: DataCenter
  apiKeys: string[]
  allowNewFields: boolean
  disallowedEventNames: ReadonlySet<string>
  listIds: ReadonlySet<number> | undefined
  webhooks: unknown[]
  subscriptionsApi: boolean
  groups: SubscriptionGroups
}

/** Behaviour where the spec is silent (⚠); the defaults are listed in docs/sandbox.md. */
export interface BehaviourOptions {
  typeCoercion: TypeCoercion
  mergeNestedDepth: MergeDepth
  maxUserFields: number
  maxEventFields: number
  maxValueChars: number
  bulkBodyLimitBytes: number
  bodyLimitBytes: number
  /** Deepest nesting of a request body's JSON (objects and arrays inside one another). */
  maxJsonDepth: number
  /** Status of an oversize body: 413 or 400, both with code BatchTooLarge. */
  oversizeStatus: 400 | 413
  /** Single events/track for an unknown user where tracking cannot create one: 400 error or silent drop. */
  unknownUserTrack: 'error' | 'drop'
  maxEventsPerUser: number
  /** Events and purchases kept per project; beyond it every user's oldest are dropped. */
  maxStoredEvents: number
  maxDevicesPerUser: number
  maxBrowserTokensPerUser: number
  getEventsDefaultLimit: number
  getEventsMaxLimit: number
  allowQueryApiKey: boolean
  /** Base-URL-less requests (no /eu, /us prefix, plain Host) belong to this data center. */
  defaultDataCenter: DataCenter
}

export const DEFAULT_BEHAVIOUR: BehaviourOptions = {
  typeCoercion: 'numeric',
  mergeNestedDepth: 'deep',
  maxUserFields: 1000,
  maxEventFields: 8000,
  maxValueChars: 32_768,
  bulkBodyLimitBytes: 4 * 1024 * 1024,
  bodyLimitBytes: 4 * 1024 * 1024,
  maxJsonDepth: 1024,
  oversizeStatus: 413,
  unknownUserTrack: 'error',
  maxEventsPerUser: 1000,
  maxStoredEvents: 1_000_000,
  maxDevicesPerUser: 500,
  maxBrowserTokensPerUser: 500,
  getEventsDefaultLimit: 30,
  getEventsMaxLimit: 200,
  allowQueryApiKey: true,
  defaultDataCenter: 'US',
}

export interface SandboxOptions {
  /** Port to listen on (default 4010; 0 = random). */
  port?: number
  /** Interface to bind (default 127.0.0.1). */
  host?: string
  /** Projects; default: one hybrid US project named "default" with a generated key. */
  projects?: ProjectOptions[]
  /** Enforce Iterable's per-project rate limits (default true). */
  rateLimits?: boolean
  /** Per-route limits in requests per second, keyed by documented path or "METHOD path". */
  rateLimitOverrides?: Record<string, number>
  /** Per-route caps of requests in any 24 hours (forget, unforget: 1,000), keyed like rateLimitOverrides. */
  dailyCapOverrides?: Record<string, number>
  faults?: FaultUpdate
  /** SQLite file for persistence; state stays in memory only when absent. */
  persist?: string
  /** Seed of the fault dice, for reproducible tests. */
  seed?: number
  behaviour?: Partial<BehaviourOptions>
  /** Fastify logger (default off). */
  logger?: boolean
  /**
   * `GET /_sandbox/projects` lists the projects' API keys in full (default false: only their last
   * 4 characters, since any local process may call it).
   */
  showKeys?: boolean
}

export interface NormalizedOptions {
  port: number
  host: string
  projects: ProjectConfig[]
  rateLimits: boolean
  rateLimitOverrides: Record<string, number>
  dailyCapOverrides: Record<string, number>
  faults: FaultUpdate
  persist: string | undefined
  seed: number | undefined
  behaviour: BehaviourOptions
  logger: boolean
  showKeys: boolean
}

export function generateApiKey(): string {
  return randomBytes(16).toString('hex')
}

export function parseProjectType(value: string): ProjectType {
  const lower = value.toLowerCase()
  if (lower === 'email' || lower === 'email-based') return 'email'
  if (lower === 'userid' || lower === 'userid-based' || lower === 'user_id') return 'userId'
  if (lower === 'hybrid') return 'hybrid'
  throw new SandboxConfigError(`Unknown project type "${value}": use email, userId or hybrid`)
}

export function parseDataCenter(value: string): DataCenter {
  const upper = value.toUpperCase()
  if (upper === 'US' || upper === 'UNITED_STATES') return 'US'
  if (upper === 'EU' || upper === 'EUROPE') return 'EU'
  throw new SandboxConfigError(`Unknown data center "${value}": use US or EU (or united_states, europe)`)
}

function normalizeProject(input: ProjectOptions, index: number, seenKeys: Set<string>): ProjectConfig {
  const name = input.name ?? (index === 0 ? 'default' : `project-${index + 1}`)
  const type = parseProjectType(input.type ?? 'hybrid')
  const dataCenter = parseDataCenter(input.dataCenter ?? 'US')
  if (type === 'email' && dataCenter === 'EU') {
    throw new SandboxConfigError(`Project "${name}": email-based projects cannot live in the EU data center`)
  }
  const apiKeys =
    input.apiKeys !== undefined && input.apiKeys.length > 0 ? [...input.apiKeys] : [generateApiKey()]
  for (const key of apiKeys) {
    if (typeof key !== 'string' || key.length === 0)
      throw new SandboxConfigError(`Project "${name}": empty API key`)
    if (seenKeys.has(key))
      throw new SandboxConfigError(`Project "${name}": an API key is used by two projects`)
    seenKeys.add(key)
  }
  return {
    name,
    id: 10_000 + index,
    type,
    dataCenter,
    apiKeys,
    allowNewFields: input.allowNewFields ?? true,
    disallowedEventNames: new Set(input.disallowedEventNames ?? []),
    listIds: input.listIds === undefined ? undefined : new Set(input.listIds),
    webhooks: input.webhooks ?? [],
    subscriptionsApi: input.subscriptionsApi ?? true,
    groups: subscriptionGroups(name, input),
  }
}

export function normalizeOptions(options: SandboxOptions = {}): NormalizedOptions {
  const seenKeys = new Set<string>()
  const seenNames = new Set<string>()
  const projects = (
    options.projects !== undefined && options.projects.length > 0 ? options.projects : [{}]
  ).map((p, i) => {
    const project = normalizeProject(p, i, seenKeys)
    if (seenNames.has(project.name)) throw new SandboxConfigError(`Two projects are named "${project.name}"`)
    seenNames.add(project.name)
    return project
  })
  const port = options.port ?? 4010
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SandboxConfigError(`Invalid port ${port}`)
  return {
    port,
    host: options.host ?? '127.0.0.1',
    projects,
    rateLimits: options.rateLimits ?? true,
    rateLimitOverrides: options.rateLimitOverrides ?? {},
    dailyCapOverrides: options.dailyCapOverrides ?? {},
    faults: options.faults ?? {},
    persist: options.persist,
    seed: options.seed,
    behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
    logger: options.logger ?? false,
    showKeys: options.showKeys ?? false,
  }
}
