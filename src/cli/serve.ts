// `iterable-actions serve`: ingest + routing + delivery + admin API on one port (docs/serve.md).
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import type { FastifyInstance } from 'fastify'
import { pino, type Logger } from 'pino'
import { ConfigError, DEFAULT_DESTINATION_NAME, defaultMappings, loadConfig } from '../config/index.js'
import { applyConfig, DeliveryService, type DeliveryOptions } from '../delivery/index.js'
import { isDataCenterLocation, type DataCenterLocation } from '../iterable/regions.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { createServer, REDACT_PATHS } from '../server/app.js'
import { createMetrics } from '../server/metrics.js'
import { openStore, type Destination, type Store } from '../store/index.js'

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
  dataDir: string
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
}

export type DeliveryMode = 'iterable' | 'custom-url' | 'sandbox' | 'disabled'

export interface RunningService {
  app: FastifyInstance
  store: Store
  delivery: DeliveryService
  sandbox: RunningSandbox | null
  url: string
  writeKey: string
  /** True when the write key was generated at this start. */
  writeKeyGenerated: boolean
  adminToken: string
  adminTokenGenerated: boolean
  mode: DeliveryMode
  /** Where the default destination delivers (null when disabled). */
  targetUrl: string | null
  close(timeoutMs?: number): Promise<void>
}

export const DEFAULT_PORT = 3000

const SANDBOX_DATA_CENTER: Record<DataCenterLocation, 'US' | 'EU'> = { united_states: 'US', europe: 'EU' }

function generateSecret(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url')
}

function checkOptions(options: ServeOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535 (got ${String(options.port)})`)
  }
  if (options.sandbox && options.iterableUrl) {
    throw new UsageError(
      '--sandbox and --iterable-url (ITERABLE_BASE_URL) conflict: choose one delivery target',
    )
  }
  if (options.dataCenter !== undefined && !isDataCenterLocation(options.dataCenter)) {
    throw new UsageError(`--data-center must be united_states or europe (got "${options.dataCenter}")`)
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
}

/** Keeps or creates the source of `--write-key`; with none given and no source at all, generates one. */
async function ensureSource(
  store: Store,
  given: string | undefined,
): Promise<{ key: string; generated: boolean }> {
  if (given !== undefined) {
    if ((await store.findSourceByWriteKey(given)) === null)
      await store.createSource({ name: 'default', writeKey: given })
    return { key: given, generated: false }
  }
  for (const source of await store.listSources()) {
    if (source.revokedAt !== null) continue
    const key = await store.getSourceWriteKey(source.id)
    if (key !== null) return { key, generated: false }
  }
  const key = generateSecret('wk_')
  await store.createSource({ name: 'default', writeKey: key })
  return { key, generated: true }
}

/** The default destination (four automatic presets), created when missing; `--api-key`/`--data-center` applied. */
async function ensureDefaultDestination(
  store: Store,
  options: ServeOptions,
  sandboxKey: string | undefined,
): Promise<Destination> {
  let destination = (await store.listDestinations()).find((d) => d.name === DEFAULT_DESTINATION_NAME)
  if (destination === undefined) {
    destination = await store.createDestination({
      name: DEFAULT_DESTINATION_NAME,
      kind: 'iterable',
      settings: { dataCenterLocation: options.dataCenter ?? 'united_states' },
      apiKey: options.apiKey ?? sandboxKey ?? null,
    })
    for (const mapping of defaultMappings()) {
      await store.createMapping({
        destinationId: destination.id,
        name: mapping.name,
        enabled: mapping.enabled ?? true,
        trigger: mapping.trigger,
        action: mapping.action,
        fields: mapping.fields,
      })
    }
    return destination
  }
  const key = options.apiKey ?? (destination.hasApiKey ? undefined : sandboxKey)
  const settings =
    options.dataCenter !== undefined
      ? { ...destination.settings, dataCenterLocation: options.dataCenter }
      : undefined
  if (key !== undefined || settings !== undefined) {
    const oldKey = await store.getDestinationApiKey(destination.id)
    const changed = (key !== undefined && key !== oldKey) || settings !== undefined
    destination =
      (await store.updateDestination(destination.id, {
        ...(key !== undefined ? { apiKey: key } : {}),
        ...(settings !== undefined ? { settings } : {}),
      })) ?? destination
    // New credentials or region: a 401 pause is lifted.
    if (changed && destination.paused !== null) await store.setDestinationPaused(destination.id, null)
  }
  return destination
}

export async function startService(options: ServeOptions): Promise<RunningService> {
  checkOptions(options)
  const logger =
    options.logger ??
    pino(
      { level: options.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      pino.destination(2),
    )
  const dataDir = path.resolve(options.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const store = await openStore({ kind: 'sqlite', dir: dataDir })
  let sandbox: RunningSandbox | null = null
  try {
    if (options.config !== undefined) {
      const loaded = loadConfig(options.config)
      for (const warning of loaded.warnings) logger.warn(warning)
      await applyConfig(store, loaded)
    }
    const source = await ensureSource(store, options.writeKey)

    let sandboxKey: string | undefined
    if (options.sandbox) {
      const existing = (await store.listDestinations()).find((d) => d.name === DEFAULT_DESTINATION_NAME)
      sandboxKey =
        options.apiKey ??
        (existing ? ((await store.getDestinationApiKey(existing.id)) ?? undefined) : undefined) ??
        randomBytes(16).toString('hex')
    }
    const destination = await ensureDefaultDestination(store, options, sandboxKey)
    const region = destination.settings.dataCenterLocation
    const dataCenter: DataCenterLocation = isDataCenterLocation(region) ? region : 'united_states'

    let baseUrlOverride: string | undefined = options.iterableUrl
    if (options.sandbox) {
      sandbox = await startSandbox({
        port: 0,
        host: '127.0.0.1',
        persist: path.join(dataDir, 'sandbox.db'),
        projects: [
          {
            name: 'default',
            type: 'hybrid',
            dataCenter: SANDBOX_DATA_CENTER[dataCenter],
            apiKeys: [sandboxKey as string],
          },
        ],
      })
      baseUrlOverride = sandbox.urls[SANDBOX_DATA_CENTER[dataCenter]]
    }

    const metrics = createMetrics(store)
    const delivery = new DeliveryService({
      store,
      logger,
      observer: metrics.observer,
      ...(baseUrlOverride ? { baseUrlOverride } : {}),
      // One process owns a SQLite data folder: leases found at start belong to a run that died.
      delivery: { reclaimAllOnStart: true, ...options.delivery },
    })
    const problems = await delivery.reload()
    for (const problem of problems) logger.error(problem, 'a mapping could not be compiled')

    const adminTokenGenerated = options.adminToken === undefined
    const adminToken = options.adminToken ?? generateSecret('adm_')
    let started = false
    const app = await createServer({ store, delivery, adminToken, metrics, logger, ready: () => started })
    await app.listen({ port: options.port, host: options.host })
    await delivery.start()
    started = true

    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : options.port
    const host = options.host.includes(':')
      ? `[${options.host}]`
      : options.host === '0.0.0.0'
        ? '127.0.0.1'
        : options.host
    const status = delivery.destinations().find((d) => d.id === destination.id)
    const mode: DeliveryMode =
      status === undefined || status.state === 'no-api-key' || status.state === 'disabled'
        ? 'disabled'
        : options.sandbox
          ? 'sandbox'
          : options.iterableUrl
            ? 'custom-url'
            : 'iterable'

    let closed = false
    return {
      app,
      store,
      delivery,
      sandbox,
      url: `http://${host}:${port}`,
      writeKey: source.key,
      writeKeyGenerated: source.generated,
      adminToken,
      adminTokenGenerated,
      mode,
      targetUrl: status?.baseUrl ?? null,
      async close(timeoutMs) {
        if (closed) return
        closed = true
        // Stop ingest first (no new events), then delivery (finish or release in-flight work).
        await app.close()
        await delivery.stop(timeoutMs)
        if (sandbox !== null) await sandbox.close()
        await store.close()
      },
    }
  } catch (error) {
    if (sandbox !== null) await sandbox.close()
    await store.close()
    throw error
  }
}

/** The start banner: where it listens, the write key, the admin token, the delivery target, a first curl. */
export function banner(service: RunningService): string {
  const lines: string[] = []
  lines.push(`iterable-actions is listening on ${service.url}`)
  lines.push(`  web UI: ${service.url}/  (sign in with the admin token)`)
  lines.push(`  ingest (Segment HTTP API): ${service.url}/v1/track, /v1/identify, /v1/batch …`)
  lines.push(
    `  health: ${service.url}/healthz  ready: ${service.url}/readyz  metrics: ${service.url}/metrics`,
  )
  const shown = service.writeKeyGenerated || service.mode === 'sandbox'
  const keyText = shown ? service.writeKey : `…${service.writeKey.slice(-4)}`
  lines.push(
    `  write key: ${keyText}${service.writeKeyGenerated ? '  (generated; pass --write-key to choose one)' : ''}`,
  )
  if (service.adminTokenGenerated) {
    lines.push(
      `  admin token: ${service.adminToken}  (generated for this run; pass --admin-token or ADMIN_TOKEN to keep one)`,
    )
  } else {
    lines.push('  admin token: as given (--admin-token / ADMIN_TOKEN)')
  }
  switch (service.mode) {
    case 'sandbox':
      lines.push(`  delivering to the BUILT-IN SANDBOX at ${service.targetUrl} — nothing is sent to Iterable`)
      lines.push(`  sandbox inspection: ${service.sandbox?.url ?? ''}/_sandbox/stats`)
      break
    case 'custom-url':
      lines.push(`  delivering to ${service.targetUrl} (--iterable-url)`)
      break
    case 'iterable':
      lines.push(`  delivering to Iterable at ${service.targetUrl}`)
      break
    case 'disabled':
      lines.push('  delivery DISABLED: no Iterable API key. Events are accepted and kept, and sent nowhere;')
      lines.push('  set one with --api-key (ITERABLE_API_KEY), or try it with --sandbox.')
      break
  }
  const key = shown ? service.writeKey : '<WRITE_KEY>'
  lines.push('  send a first event:')
  lines.push(
    `    curl -u '${key}:' -H 'Content-Type: application/json' ${service.url}/v1/track ` +
      `-d '{"userId":"user-1","event":"Signed Up","properties":{"plan":"pro"}}'`,
  )
  return lines.join('\n')
}

interface ServeFlags {
  port?: string
  host?: string
  data?: string
  config?: string
  writeKey?: string
  apiKey?: string
  dataCenter?: string
  iterableUrl?: string
  sandbox?: boolean
  adminToken?: string
  logLevel?: string
}

/** Flags win over environment variables, which win over defaults. */
export function optionsFromFlags(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const portText = flags.port ?? env.PORT
  const port =
    portText === undefined || portText === '' ? DEFAULT_PORT : /^\d+$/.test(portText) ? Number(portText) : NaN
  const pick = (flag: string | undefined, name: string): string | undefined =>
    flag ?? (env[name] !== undefined && env[name] !== '' ? env[name] : undefined)
  const options: ServeOptions = {
    port,
    host: pick(flags.host, 'HOST') ?? '127.0.0.1',
    dataDir: pick(flags.data, 'DATA_DIR') ?? './.data',
    sandbox: flags.sandbox === true || env.SANDBOX === 'true' || env.SANDBOX === '1',
  }
  const optional = {
    config: pick(flags.config, 'CONFIG_FILE'),
    writeKey: pick(flags.writeKey, 'WRITE_KEY'),
    apiKey: pick(flags.apiKey, 'ITERABLE_API_KEY'),
    dataCenter: pick(flags.dataCenter, 'ITERABLE_DATA_CENTER'),
    iterableUrl: pick(flags.iterableUrl, 'ITERABLE_BASE_URL'),
    adminToken: pick(flags.adminToken, 'ADMIN_TOKEN'),
    logLevel: pick(flags.logLevel, 'LOG_LEVEL'),
  }
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[name] = value
  }
  return options
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the service: Segment-compatible ingest, routing, durable delivery to Iterable, admin API',
    )
    .option('--port <port>', `port for ingest, admin API and UI (env PORT, default ${DEFAULT_PORT})`)
    .option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)')
    .option('--data <dir>', 'SQLite data folder, created if missing (env DATA_DIR, default ./.data)')
    .option('--config <file>', 'configuration file (YAML/JSON) applied at start (env CONFIG_FILE)')
    .option('--write-key <key>', 'write key of the default source, created or kept (env WRITE_KEY)')
    .option('--api-key <key>', 'Iterable API key of the default destination (env ITERABLE_API_KEY)')
    .option('--data-center <location>', 'united_states or europe (env ITERABLE_DATA_CENTER)')
    .option('--iterable-url <url>', 'deliver to this Iterable-compatible base URL (env ITERABLE_BASE_URL)')
    .option('--sandbox', 'run the built-in Iterable sandbox and deliver to it (env SANDBOX=true)')
    .option('--admin-token <token>', 'token for /api/admin/* (env ADMIN_TOKEN; generated when absent)')
    .option('--log-level <level>', 'pino log level (env LOG_LEVEL, default info)')
    .action(async (flags: ServeFlags, command: Command) => {
      let service: RunningService
      try {
        if (process.env.DATABASE_URL) {
          process.stderr.write(
            'note: DATABASE_URL is reserved for PostgreSQL, which serve does not use yet; using SQLite in --data\n',
          )
        }
        service = await startService(optionsFromFlags(flags))
      } catch (error) {
        if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: 2 })
        if (error instanceof ConfigError) command.error(`error: ${error.message}`, { exitCode: 2 })
        const code = (error as { code?: unknown }).code
        if (code === 'EADDRINUSE')
          command.error(`error: the port is already in use (${(error as Error).message})`, { exitCode: 2 })
        throw error
      }
      process.stdout.write(banner(service) + '\n')
      let stopping = false
      const shutdown = (signal: string): void => {
        if (stopping) return
        stopping = true
        process.stdout.write(`${signal}: shutting down (finishing in-flight deliveries)…\n`)
        service.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(
              `shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
            )
            process.exit(1)
          },
        )
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
    })
}
