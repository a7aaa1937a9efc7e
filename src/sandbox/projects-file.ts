// `--projects FILE`: a JSON or YAML list of projects (or `{projects: [...]}`), each with name,
// type, dataCenter and apiKeys, plus optional allowNewFields, disallowedEventNames, listIds,
// subscriptionsApi, channels, messageTypes and lists.

import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { SandboxConfigError } from './api-error.js'
import type { ProjectOptions } from './options.js'

const KNOWN = new Set([
  'name',
  'type',
  'dataCenter',
  'apiKeys',
  'allowNewFields',
  'disallowedEventNames',
  'listIds',
  'webhooks',
  'subscriptionsApi',
  'channels',
  'messageTypes',
  'lists',
])

export function loadProjectsFile(file: string): ProjectOptions[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new SandboxConfigError(`Cannot read projects file ${file}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new SandboxConfigError(`Projects file ${file} is not valid JSON/YAML: ${(error as Error).message}`)
  }
  const list =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { projects?: unknown }).projects
      : parsed
  if (!Array.isArray(list) || list.length === 0) {
    throw new SandboxConfigError(`Projects file ${file} must hold a non-empty list of projects`)
  }
  return list.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new SandboxConfigError(`Projects file ${file}: entry ${i + 1} is not an object`)
    }
    for (const key of Object.keys(entry)) {
      if (!KNOWN.has(key))
        throw new SandboxConfigError(`Projects file ${file}: entry ${i + 1} has unknown key "${key}"`)
    }
    const p = entry as ProjectOptions & { apiKeys?: unknown }
    if (
      p.apiKeys !== undefined &&
      (!Array.isArray(p.apiKeys) || p.apiKeys.some((k) => typeof k !== 'string'))
    ) {
      throw new SandboxConfigError(`Projects file ${file}: entry ${i + 1}: apiKeys must be a list of strings`)
    }
    return p
  })
}
