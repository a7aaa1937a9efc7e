// All projects of one sandbox, found by name or by API key.

import { ProjectState } from './state.js'
import type { ChangeSink } from './state.js'
import type { ProjectConfig } from './options.js'

export class SandboxState {
  readonly projects = new Map<string, ProjectState>()
  private readonly byKey = new Map<string, ProjectState>()

  constructor(configs: ProjectConfig[]) {
    for (const config of configs) {
      const project = new ProjectState(config)
      this.projects.set(config.name, project)
      for (const key of config.apiKeys) this.byKey.set(key, project)
    }
  }

  /** The project with this name; throws when there is none (a test mistake, not an API answer). */
  project(name?: string): ProjectState {
    const project = name === undefined ? this.projects.values().next().value : this.projects.get(name)
    if (project === undefined) throw new Error(`No sandbox project named "${name}"`)
    return project
  }

  byApiKey(key: string): ProjectState | undefined {
    return this.byKey.get(key)
  }

  setSink(sink: ChangeSink): void {
    for (const project of this.projects.values()) project.sink = sink
  }

  clear(): void {
    for (const project of this.projects.values()) project.clear()
  }
}
