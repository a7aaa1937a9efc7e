// `iterable-actions export --url URL --admin-token TOKEN [--out FILE]`: the running service's
// configuration as a YAML file that `apply` and `serve --config` take back. Secrets are never
// printed: API keys become `${ITERABLE_API_KEY}` references (one variable per destination when
// there are several) and write keys `${ITERABLE_ACTIONS_WRITE_KEY…}` unless --include-write-keys.
import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { stringify } from 'yaml'
import type { ConfigFile } from '../config/index.js'
import { AdminApiError, AdminClient, AdminUsageError, resolveTarget } from './admin-client.js'
import type { AdminTarget } from './admin-client.js'
import { CONFIG_PATH } from './apply.js'

export interface ExportOptions {
  target: AdminTarget
  /** Keep the sources' write keys in clear (they identify a source, and browsers see them). */
  includeWriteKeys?: boolean
}

/** `My Web Site` → `MY_WEB_SITE` */
function envSuffix(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** Replaces every secret by an environment reference; the input is not modified. */
export function redactConfig(config: ConfigFile, includeWriteKeys = false): ConfigFile {
  const out: ConfigFile = {}
  if (config.sources !== undefined) {
    const single = config.sources.length === 1
    out.sources = config.sources.map((source) => ({
      ...source,
      writeKey: includeWriteKeys
        ? source.writeKey
        : `\${ITERABLE_ACTIONS_WRITE_KEY${single ? '' : `_${envSuffix(source.name)}`}}`,
    }))
  }
  if (config.destinations !== undefined) {
    const keyed = config.destinations.filter((d) => d.settings?.apiKey !== undefined).length
    out.destinations = config.destinations.map((destination) => {
      if (destination.settings?.apiKey === undefined) return destination
      const variable = keyed > 1 ? `ITERABLE_API_KEY_${envSuffix(destination.name)}` : 'ITERABLE_API_KEY'
      return { ...destination, settings: { ...destination.settings, apiKey: `\${${variable}}` } }
    })
  }
  return out
}

/** The environment variables an exported file refers to (to print next to it). */
export function referencedVariables(config: ConfigFile): string[] {
  const names = new Set<string>()
  const scan = (value: string | undefined): void => {
    for (const match of (value ?? '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1])
  }
  for (const source of config.sources ?? []) scan(source.writeKey)
  for (const destination of config.destinations ?? []) {
    for (const value of Object.values(destination.settings ?? {})) scan(value)
  }
  return [...names]
}

export async function runExport(options: ExportOptions): Promise<{ yaml: string; variables: string[] }> {
  const client = new AdminClient(options.target)
  const config = redactConfig(
    (await client.call<ConfigFile>('GET', CONFIG_PATH)) ?? {},
    options.includeWriteKeys,
  )
  const header =
    '# iterable-actions configuration, exported from the running service.\n' +
    '# Secrets are environment references; set them before `apply` or `serve --config`.\n'
  return { yaml: header + stringify(config, { lineWidth: 0 }), variables: referencedVariables(config) }
}

interface ExportFlags {
  url?: string
  adminToken?: string
  out?: string
  includeWriteKeys?: boolean
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("Write the running service's configuration as YAML (secrets as ${ENV} references)")
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--include-write-keys', 'keep the write keys of the sources in clear')
    .action(async (flags: ExportFlags) => {
      try {
        const { yaml, variables } = await runExport({
          target: resolveTarget(flags),
          includeWriteKeys: flags.includeWriteKeys,
        })
        if (flags.out === undefined) process.stdout.write(yaml)
        else {
          writeFileSync(flags.out, yaml, { mode: 0o600 })
          process.stderr.write(`wrote ${flags.out}\n`)
        }
        if (variables.length > 0)
          process.stderr.write(`environment variables referenced: ${variables.join(', ')}\n`)
      } catch (error) {
        if (error instanceof AdminApiError || error instanceof AdminUsageError) {
          process.stderr.write(`iterable-actions export: ${error.message}\n`)
          process.exitCode = error instanceof AdminApiError ? 1 : 2
          return
        }
        throw error
      }
    })
}
