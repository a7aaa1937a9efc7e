// `iterable-actions apply FILE.yaml --url URL --admin-token TOKEN`: configuration as code. The file
// is checked locally first with the same loader as `serve --config` (errors name the file, the path
// and the problem), then sent to the service's admin API (`PUT /api/admin/config`), which diffs it
// against what it stores and answers the changes; a dry run asks the service the same question
// without writing. `${ENV}` references are resolved here, from this shell's environment, unless
// `--server-env` leaves them for the service to resolve from its own. An API key given as `${VAR}`
// with VAR unset is sent as written: the service keeps its current key and says so.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parse as parseYaml } from 'yaml'
import { ConfigError, loadConfig, resolveEnvReferences } from '../config/index.js'
import type { ConfigFile, LoadedConfig } from '../config/index.js'
import { AdminApiError, AdminClient, AdminUsageError, resolveTarget } from './admin-client.js'
import type { AdminTarget } from './admin-client.js'

export const CONFIG_PATH = '/api/admin/config'

/** What the service answers to `PUT /api/admin/config`. */
export interface ApplyAnswer {
  changes?: string[]
  dryRun?: boolean
  sourcesCreated?: string[]
  destinationsCreated?: string[]
  destinationsUpdated?: string[]
  destinationsResumed?: string[]
  mappings?: number
  warnings?: string[]
  problems?: unknown[]
}

export interface ApplyOptions {
  file: string
  target: AdminTarget
  /** Leave `${ENV}` references for the service to resolve. */
  serverEnv?: boolean
  /** Show the changes without applying them. */
  dryRun?: boolean
  env?: Readonly<Record<string, string | undefined>>
}

export interface ApplyResult {
  config: LoadedConfig
  changes: string[]
  answer: ApplyAnswer
}

/** The file as written, with the secrets the loader resolves (write keys, settings) substituted. */
function bodyToSend(
  file: string,
  serverEnv: boolean,
  env: Readonly<Record<string, string | undefined>>,
): ConfigFile {
  const text = readFileSync(file, 'utf8')
  const raw = ((/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)) ?? {}) as ConfigFile
  if (serverEnv) return raw
  // An unset variable left here is an API key's (the loader refused any other): the service keeps its key.
  const resolve = (value: string): string => resolveEnvReferences(value, env, true) ?? value
  return {
    ...raw,
    ...(raw.sources ? { sources: raw.sources.map((s) => ({ ...s, writeKey: resolve(s.writeKey) })) } : {}),
    ...(raw.destinations
      ? {
          destinations: raw.destinations.map((d) => {
            if (d.settings === undefined) return d
            const settings: Record<string, string> = {}
            for (const [key, value] of Object.entries(d.settings)) {
              if (typeof value === 'string') settings[key] = resolve(value)
            }
            return { ...d, settings }
          }),
        }
      : {}),
  }
}

/** Validates locally, computes the changes, applies them (unless dry run). Throws ConfigError / AdminApiError. */
export async function runApply(options: ApplyOptions): Promise<ApplyResult> {
  const env = options.env ?? process.env
  // With --server-env the variables may be unset here: check everything else.
  const serverEnv = options.serverEnv === true
  const config = loadConfig(options.file, { env, preview: serverEnv, keepUnsetApiKey: true })
  const body = bodyToSend(options.file, serverEnv, env)
  const client = new AdminClient(options.target)
  const query = `?dryRun=${options.dryRun === true}&serverEnv=${serverEnv}`
  const answer = (await client.call<ApplyAnswer>('PUT', CONFIG_PATH + query, body)) ?? {}
  return { config, changes: answer.changes ?? [], answer }
}

export function formatApply(result: ApplyResult, dryRun: boolean): string {
  let out = ''
  for (const warning of result.config.warnings) out += `warning: ${warning}\n`
  if (result.changes.length === 0) out += 'no changes\n'
  else {
    out += dryRun ? 'would change:\n' : 'changed:\n'
    for (const line of result.changes) out += `  ${line}\n`
  }
  const answer = result.answer
  if (!dryRun) {
    if ((answer.destinationsResumed ?? []).length > 0) {
      out += `resumed (were paused after a 401): ${answer.destinationsResumed?.join(', ')}\n`
    }
    for (const warning of answer.warnings ?? []) {
      if (!result.config.warnings.includes(warning)) out += `warning (service): ${warning}\n`
    }
    for (const problem of answer.problems ?? [])
      out += `problem (service): ${typeof problem === 'string' ? problem : JSON.stringify(problem)}\n`
    out += `applied: ${answer.mappings ?? 0} mappings in ${result.config.destinations.length} destination(s)\n`
  } else {
    out += 'dry run: checked by the service, nothing applied\n'
  }
  return out
}

interface ApplyFlags {
  url?: string
  adminToken?: string
  serverEnv?: boolean
  dryRun?: boolean
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('Apply a configuration file (sources, destinations, mappings) to a running service')
    .argument('<file>', 'configuration file (YAML or JSON), as for serve --config')
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('--server-env', 'leave ${ENV} references for the service to resolve from its own environment')
    .option('--dry-run', 'show what would change without applying it')
    .action(async (file: string, flags: ApplyFlags) => {
      try {
        const target = resolveTarget(flags)
        const result = await runApply({ file, target, serverEnv: flags.serverEnv, dryRun: flags.dryRun })
        process.stdout.write(formatApply(result, flags.dryRun === true))
      } catch (error) {
        if (
          error instanceof ConfigError ||
          error instanceof AdminApiError ||
          error instanceof AdminUsageError
        ) {
          const hint =
            error instanceof ConfigError && error.code === 'MISSING_ENV'
              ? ' (set it here, or pass --server-env to let the service resolve it)'
              : ''
          process.stderr.write(`iterable-actions apply: ${error.message}${hint}\n`)
          process.exitCode = error instanceof AdminApiError ? 1 : 2
          return
        }
        throw error
      }
    })
}
