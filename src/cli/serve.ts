// `iterable-actions serve`: ingest + routing + delivery + admin API on one port (docs/serve.md).
// The pieces live in ./serve/: options (flags, environment, checks), store (SQLite or PostgreSQL),
// bootstrap (default source and destination), service (startService), config-watch, banner.
import type { Command } from 'commander'
import { ConfigError } from '../config/index.js'
import { StoreError } from '../store/index.js'
import { banner } from './serve/banner.js'
import { LIMIT_OPTIONS } from './serve/limit-flags.js'
import { DEFAULT_PORT, optionsFromFlags, UsageError, type ServeFlags } from './serve/options.js'
import { startService, type RunningService } from './serve/service.js'
import { StoreOpenError } from './serve/store.js'

export { banner } from './serve/banner.js'
export { DEFAULT_PORT, optionsFromFlags, UsageError, type ServeOptions } from './serve/options.js'
export { startService, type DeliveryMode, type RunningService } from './serve/service.js'

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description(
      'Run the service: Segment-compatible ingest, routing, durable delivery to Iterable, admin API',
    )
    .option('--port <port>', `port for ingest, admin API and UI (env PORT, default ${DEFAULT_PORT})`)
    .option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)')
    .option('--data <dir>', 'SQLite data folder, created if missing (env DATA_DIR, default ./.data)')
    .option(
      '--database-url <url>',
      'PostgreSQL instead of SQLite, postgres://… ; several nodes may share it (env DATABASE_URL)',
    )
    .option(
      '--database-schema <name>',
      'PostgreSQL schema, created if missing (env DATABASE_SCHEMA, default public)',
    )
    .option(
      '--secret-key <key>',
      'with PostgreSQL: key for secrets at rest, the same on every node; 64 hex chars or base64 of 32 bytes (env SECRET_KEY)',
    )
    .option(
      '--lease-ms <ms>',
      "with PostgreSQL: a dead node's deliveries are taken over within this long (env LEASE_MS, default 15000)",
    )
    .option(
      '--rate-limit-nodes <n>',
      "override: use 1/n of Iterable's rate limits per project, e.g. when other programs share the project (env RATE_LIMIT_NODES, default 1)",
    )
    .option('--config <file>', 'configuration file (YAML/JSON) applied at start (env CONFIG_FILE)')
    .option('--write-key <key>', 'write key of the default source, created or kept (env WRITE_KEY)')
    .option('--api-key <key>', 'Iterable API key of the default destination (env ITERABLE_API_KEY)')
    .option('--data-center <location>', 'united_states (or US) or europe (or EU) (env ITERABLE_DATA_CENTER)')
    .option('--iterable-url <url>', 'deliver to this Iterable-compatible base URL (env ITERABLE_BASE_URL)')
    .option('--sandbox', 'run the built-in Iterable sandbox and deliver to it (env SANDBOX=true)')
    .option('--admin-token <token>', 'token for /api/admin/* (env ADMIN_TOKEN; generated when absent)')
    .option('--log-level <level>', 'pino log level (env LOG_LEVEL, default info)')
    .option(
      '--delivery-thread <on|off>',
      'deliver on a worker thread of its own, so ingest never waits behind delivery (env DELIVERY_THREAD, default on)',
    )
    .option(
      '--forgotten-users <drop|refuse>',
      'events of users forgotten with `users forget`: dropped, or refused with an error (env FORGOTTEN_USERS, default drop)',
    )
  for (const [flags, description] of LIMIT_OPTIONS) serve.option(flags, description)
  serve.action(async (flags: ServeFlags, command: Command) => {
    let service: RunningService
    try {
      service = await startService(optionsFromFlags(flags))
    } catch (error) {
      if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: 2 })
      if (error instanceof ConfigError) command.error(`error: ${error.message}`, { exitCode: 2 })
      // e.g. an unreachable database, or secrets sealed with another --secret-key
      if (error instanceof StoreOpenError || error instanceof StoreError)
        command.error(`error: ${error.message}`, { exitCode: 1 })
      const code = (error as { code?: unknown }).code
      if (code === 'EADDRINUSE')
        command.error(`error: the port is already in use (${(error as Error).message})`, { exitCode: 2 })
      throw error
    }
    process.stdout.write(banner(service) + '\n')
    // Printed once: from now on only its hash (in the admin API's gate) is held.
    service.adminToken = null
    let stopping = false
    const shutdown = (signal: string): void => {
      if (stopping) return
      stopping = true
      process.stdout.write(`${signal}: shutting down (finishing in-flight deliveries)…\n`)
      service.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`)
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
  })
}
