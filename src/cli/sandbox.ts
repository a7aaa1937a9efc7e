// `iterable-actions sandbox`: runs the local Iterable API emulator (docs/sandbox.md).

import { InvalidArgumentError, Option } from 'commander'
import type { Command } from 'commander'
import { pickDefined } from '../util/pick-defined.js'
import {
  loadProjectsFile,
  parseDataCenter,
  parseProjectType,
  SandboxConfigError,
  startSandbox,
} from '../sandbox/index.js'
import type { FaultUpdate, ProjectOptions, SandboxOptions } from '../sandbox/index.js'

interface SandboxFlags {
  port: number
  host: string
  projectType?: string
  dataCenter?: string
  apiKey?: string
  projectName?: string
  projects?: string
  rateLimits: boolean
  failRate?: number
  failStatus?: number
  latencyMs?: number
  latencyJitterMs?: number
  timeoutRate?: number
  timeoutHoldMs?: number
  outageSeconds?: number
  throttleRate?: number
  throttleSeconds?: number
  persist?: string
  seed?: number
  showKeys?: boolean
  json?: boolean
}

const rate =
  (name: string) =>
  (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1 (got "${value}")`)
    }
    return n
  }

const nonNegative =
  (name: string) =>
  (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${name} must be a number ≥ 0 (got "${value}")`)
    }
    return n
  }

const integer =
  (name: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max} (got "${value}")`)
    }
    return n
  }

const onOff = (value: string): boolean => {
  const v = value.toLowerCase()
  if (v === 'on' || v === 'true') return true
  if (v === 'off' || v === 'false') return false
  throw new InvalidArgumentError(`use "on" or "off" (got "${value}")`)
}

function projectTypeArg(value: string): string {
  try {
    return parseProjectType(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

function dataCenterArg(value: string): string {
  try {
    return parseDataCenter(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

export function sandboxOptionsFromFlags(flags: SandboxFlags): SandboxOptions {
  let projects: ProjectOptions[]
  if (flags.projects !== undefined) {
    if (flags.projectType !== undefined || flags.dataCenter !== undefined || flags.apiKey !== undefined) {
      throw new SandboxConfigError(
        '--projects cannot be combined with --project-type, --data-center or --api-key',
      )
    }
    projects = loadProjectsFile(flags.projects)
  } else {
    projects = [
      {
        name: flags.projectName ?? 'default',
        type: flags.projectType ?? 'hybrid',
        dataCenter: flags.dataCenter ?? 'US',
        apiKeys: flags.apiKey !== undefined ? [flags.apiKey] : undefined,
      },
    ]
  }
  const faults: FaultUpdate = pickDefined(flags, [
    'failRate',
    'failStatus',
    'latencyMs',
    'latencyJitterMs',
    'timeoutRate',
    'timeoutHoldMs',
    'outageSeconds',
    'throttleRate',
    'throttleSeconds',
  ])
  return {
    port: flags.port,
    host: flags.host,
    projects,
    rateLimits: flags.rateLimits,
    faults,
    persist: flags.persist,
    seed: flags.seed,
    showKeys: flags.showKeys === true,
  }
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description("Run a local emulator of Iterable's API (projects, identity rules, limits, faults)")
    .option('--port <port>', 'port to listen on (0 = random)', integer('--port', 0, 65535), 4010)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--project-type <type>', 'project type: email, userId or hybrid (default hybrid)', projectTypeArg)
    .option(
      '--data-center <dc>',
      "the project's data center: US or EU, also united_states or europe (default US)",
      dataCenterArg,
    )
    .option('--api-key <key>', 'API key of the project (generated when absent)')
    .option('--project-name <name>', 'name of the project (default "default")')
    .option('--projects <file>', 'JSON/YAML file with several projects (name, type, dataCenter, apiKeys)')
    .addOption(
      new Option('--rate-limits <on|off>', "enforce Iterable's rate limits")
        .argParser(onOff)
        .default(true, 'on'),
    )
    .option('--fail-rate <share>', 'share of requests answered with a 5xx (0..1)', rate('--fail-rate'))
    .option(
      '--fail-status <status>',
      'status of injected failures (500..599)',
      integer('--fail-status', 500, 599),
    )
    .option('--latency-ms <ms>', 'latency added to every API request', nonNegative('--latency-ms'))
    .option(
      '--latency-jitter-ms <ms>',
      'up to this much more random latency',
      nonNegative('--latency-jitter-ms'),
    )
    .option('--timeout-rate <share>', 'share of requests never answered (0..1)', rate('--timeout-rate'))
    .option(
      '--timeout-hold-ms <ms>',
      'how long an unanswered request is held before its connection is dropped',
      nonNegative('--timeout-hold-ms'),
    )
    .option(
      '--outage-seconds <s>',
      'answer every API request 503 for this many seconds from start',
      nonNegative('--outage-seconds'),
    )
    .option('--throttle-rate <share>', 'share of requests answered 429 (0..1)', rate('--throttle-rate'))
    .option(
      '--throttle-seconds <s>',
      'answer every API request 429 for this many seconds from start',
      nonNegative('--throttle-seconds'),
    )
    .option('--persist <file>', 'keep the state in this SQLite file across restarts')
    .option('--seed <n>', 'seed of the fault dice (reproducible runs)', integer('--seed', 0, 2 ** 31))
    .option(
      '--show-keys',
      'GET /_sandbox/projects lists the API keys in full (default: their last 4 characters)',
    )
    .option('--json', 'print the start-up summary as one JSON line')
    .action(async (flags: SandboxFlags, command: Command) => {
      let running
      try {
        running = await startSandbox(sandboxOptionsFromFlags(flags))
      } catch (error) {
        const message =
          error instanceof SandboxConfigError ? error.message : `cannot start: ${(error as Error).message}`
        command.error(`error: ${message}`, { exitCode: 2 })
        return
      }
      if (flags.json === true) {
        console.log(JSON.stringify({ url: running.url, urls: running.urls, projects: running.projects }))
      } else {
        console.log(`Iterable sandbox listening on ${running.url}`)
        console.log(`  US base URL: ${running.urls.US}   EU base URL: ${running.urls.EU}`)
        for (const p of running.projects) {
          console.log(
            `  project "${p.name}" (${p.type}, ${p.dataCenter}): base URL ${p.baseUrl}  API key: ${p.apiKeys.join(', ')}`,
          )
        }
        console.log(
          '  control: POST /_sandbox/reset · GET /_sandbox/stats · GET|POST /_sandbox/faults (no key needed)',
        )
      }
      let stopping = false
      const stop = (): void => {
        if (stopping) return
        stopping = true
        running
          .close()
          .then(() => process.exit(0))
          .catch(() => process.exit(1))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
