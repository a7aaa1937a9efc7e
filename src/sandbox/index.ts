// Public entry of the Iterable sandbox: `createSandboxApp` for in-process use (Fastify inject)
// and `startSandbox` to listen on a port.

import { createSandboxApp, DATA_CENTER_PREFIX } from './app.js'
import type { SandboxApp } from './app.js'
import type { DataCenter, ProjectType, SandboxOptions } from './options.js'
import type { FaultUpdate } from './faults.js'
import type { SandboxState } from './sandbox-state.js'
import type { SandboxStats } from './stats.js'

export { createSandboxApp, ROUTES } from './app.js'
export type { SandboxApp } from './app.js'
export { normalizeOptions, parseDataCenter, parseProjectType, DEFAULT_BEHAVIOUR } from './options.js'
export type { BehaviourOptions, DataCenter, ProjectOptions, ProjectType, SandboxOptions } from './options.js'
export type { FaultSettings, FaultUpdate } from './faults.js'
export { DEFAULT_FAULTS } from './faults.js'
export { loadProjectsFile } from './projects-file.js'
export { SandboxConfigError } from './api-error.js'
export { ProjectState } from './state.js'
export type { EventRecord, UserRecord } from './state.js'
export { SandboxState } from './sandbox-state.js'

export interface RunningProject {
  name: string
  type: ProjectType
  dataCenter: DataCenter
  apiKeys: string[]
  /** Base URL to configure in a client for this project's data center. */
  baseUrl: string
}

export interface RunningSandbox {
  /** Base URL of the first project's data center (US: no prefix; EU: `/eu`). */
  url: string
  /** Base URL per data center on this one server. */
  urls: Record<DataCenter, string>
  /** The first project's first key. */
  apiKey: string
  projects: RunningProject[]
  state: SandboxState
  stats: SandboxStats
  setFaults(update: FaultUpdate): void
  setRateLimits(enabled: boolean): void
  reset(): void
  sandbox: SandboxApp
  close(): Promise<void>
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = createSandboxApp(options)
  const { host, port } = sandbox.options
  try {
    await sandbox.app.listen({ host, port })
  } catch (error) {
    await sandbox.close()
    throw error
  }
  const address = sandbox.app.server.address()
  const actualPort = typeof address === 'object' && address !== null ? address.port : port
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
  const root = `http://${hostForUrl}:${actualPort}`
  const urls: Record<DataCenter, string> = {
    US: root + DATA_CENTER_PREFIX.US,
    EU: root + DATA_CENTER_PREFIX.EU,
  }
  const projects = sandbox.options.projects.map((p) => ({
    name: p.name,
    type: p.type,
    dataCenter: p.dataCenter,
    apiKeys: p.apiKeys,
    baseUrl: urls[p.dataCenter],
  }))
  return {
    url: projects[0].baseUrl,
    urls,
    apiKey: projects[0].apiKeys[0],
    projects,
    state: sandbox.state,
    stats: sandbox.stats,
    setFaults: (update) => sandbox.faults.update(update),
    setRateLimits: (enabled) => {
      sandbox.rateLimiter.enabled = enabled
    },
    reset: () => sandbox.reset(),
    sandbox,
    close: () => sandbox.close(),
  }
}
