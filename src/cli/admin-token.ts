// `iterable-actions admin-token rotate`: a new admin token for a store (the SQLite data folder or the
// PostgreSQL database), printed once on stdout and nothing else there, so that a script can capture
// it. The store keeps only its hash; running services take it within ADMIN_TOKEN_WATCH_MS and refuse
// the old one. It writes one row, so it runs while `serve` does: on SQLite as a second connection to
// the WAL database (SQLite's locks order the writes; the folder has no lock of its own).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { DATABASE_FILE, openStore, StoreError, type StoreOptions } from '../store/index.js'
import { ADMIN_TOKEN_WATCH_MS, newAdminToken } from './serve/admin-token.js'
import { checkDatabase, DEFAULT_DATA_DIR, UsageError } from './serve/options.js'
import { describeDatabaseUrl } from './serve/store.js'

interface RotateFlags {
  data?: string
  databaseUrl?: string
  databaseSchema?: string
}

/** Which store, as `serve` chooses it: flags, then DATA_DIR / DATABASE_URL / DATABASE_SCHEMA, then ./.data. */
export function rotateStoreOptions(flags: RotateFlags, env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const pick = (flag: string | undefined, name: string): string | undefined =>
    flag ?? (env[name] !== undefined && env[name] !== '' ? env[name] : undefined)
  const databaseUrl = pick(flags.databaseUrl, 'DATABASE_URL')
  const databaseSchema = pick(flags.databaseSchema, 'DATABASE_SCHEMA')
  const dataDir = pick(flags.data, 'DATA_DIR')
  checkDatabase({ databaseUrl, databaseSchema, dataDir })
  if (databaseUrl !== undefined) {
    return {
      kind: 'postgres',
      url: databaseUrl,
      ...(databaseSchema !== undefined ? { schema: databaseSchema } : {}),
      maxConnections: 1,
      // The store wants a key for secrets at rest; this command reads and writes none (the token is
      // kept as a hash), so it needs no --secret-key: a key of its own, used for nothing.
      secretKey: randomBytes(32),
    }
  }
  const dir = path.resolve(dataDir ?? DEFAULT_DATA_DIR)
  // A mistyped folder would otherwise become a new, empty store.
  if (!existsSync(path.join(dir, DATABASE_FILE)))
    throw new UsageError(
      `there is no store in ${dir} (no ${DATABASE_FILE}): start serve there first, or pass --data`,
    )
  // No checkpoint thread: serve's connection runs the checkpoints.
  return { kind: 'sqlite', dir, checkpoints: false }
}

function where(options: StoreOptions): string {
  return options.kind === 'sqlite'
    ? `SQLite in ${options.dir}`
    : `PostgreSQL ${describeDatabaseUrl(options.url)} (schema ${options.schema ?? 'public'})`
}

async function rotate(flags: RotateFlags): Promise<void> {
  const options = rotateStoreOptions(flags)
  const made = newAdminToken()
  const store = await openStore(options)
  try {
    await store.replaceAdminToken(made.stored)
  } finally {
    await store.close()
  }
  process.stdout.write(`${made.token}\n`)
  process.stderr.write(
    `admin token rotated for ${where(options)}: the new one (…${made.stored.hint}) went to stdout, shown this once. ` +
      `Running services accept it within ${ADMIN_TOKEN_WATCH_MS / 1000} s and refuse the old one; ` +
      `sign in to the web UI again with it.\n`,
  )
}

export function registerAdminToken(program: Command): void {
  const group = program
    .command('admin-token')
    .description('The admin token the store keeps (as a hash) for serve: rotate it')
  group
    .command('rotate')
    .description('Make a new admin token, print it once on stdout; the old one stops working within seconds')
    .option('--data <dir>', 'SQLite data folder of the store (env DATA_DIR, default ./.data)')
    .option('--database-url <url>', 'PostgreSQL store instead, postgres://… (env DATABASE_URL)')
    .option('--database-schema <name>', 'PostgreSQL schema (env DATABASE_SCHEMA, default public)')
    .action(async (flags: RotateFlags, command: Command) => {
      try {
        await rotate(flags)
      } catch (error) {
        if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: 2 })
        if (error instanceof StoreError) command.error(`error: ${error.message}`, { exitCode: 1 })
        throw error
      }
    })
}
