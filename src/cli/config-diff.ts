// What `apply` will change on a running service: the service's current configuration (as the admin
// API exports it) against a locally loaded file. Applying adds sources with new write keys, creates
// or updates destinations by name and replaces their mappings; anything not in the file is left alone.
import type { ConfigFile, LoadedConfig } from '../config/index.js'
import type { MappingConfig } from '../iterable/mappings.js'

/** Key order never matters in configuration objects. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

interface ComparableMapping {
  enabled: boolean
  trigger: string | undefined
  action: string | undefined
  fields: unknown
  batching: unknown
}

function comparable(m: {
  enabled?: boolean
  trigger?: string
  action?: string
  fields?: unknown
  batching?: unknown
}): ComparableMapping {
  return {
    enabled: m.enabled ?? true,
    trigger: m.trigger,
    action: m.action,
    fields: m.fields ?? {},
    batching: m.batching ?? null,
  }
}

function mappingChanges(
  name: string,
  before: ComparableMapping,
  after: ComparableMapping,
): string | undefined {
  const parts: string[] = []
  if (before.enabled !== after.enabled) parts.push(after.enabled ? 'enabled' : 'disabled')
  if (before.trigger !== after.trigger) parts.push('trigger')
  if (before.action !== after.action) parts.push(`action ${before.action} → ${after.action}`)
  if (canonical(before.fields) !== canonical(after.fields)) parts.push('fields')
  if (canonical(before.batching) !== canonical(after.batching)) parts.push('batching')
  return parts.length === 0 ? undefined : `mapping "${name}" changed: ${parts.join(', ')}`
}

function diffMappings(
  before: NonNullable<NonNullable<ConfigFile['destinations']>[number]['mappings']>,
  after: MappingConfig[],
): string[] {
  const lines: string[] = []
  const old = new Map(before.map((m) => [m.name, comparable(m)]))
  const now = new Set(after.map((m) => m.name))
  for (const m of after) {
    const previous = old.get(m.name)
    if (previous === undefined) lines.push(`mapping "${m.name}" added (${m.action})`)
    else {
      const change = mappingChanges(m.name, previous, comparable(m))
      if (change !== undefined) lines.push(change)
    }
  }
  for (const m of before) if (!now.has(m.name)) lines.push(`mapping "${m.name}" removed`)
  const kept = after.map((m) => m.name).filter((n) => old.has(n))
  const oldOrder = before.map((m) => m.name).filter((n) => now.has(n))
  if (lines.length === 0 && kept.join('\n') !== oldOrder.join('\n')) lines.push('mappings reordered')
  return lines
}

/** One line per change, indented under its destination; empty when nothing changes. */
export function diffConfig(current: ConfigFile, next: LoadedConfig): string[] {
  const lines: string[] = []
  const knownKeys = new Set((current.sources ?? []).map((s) => s.writeKey))
  for (const source of next.sources) {
    if (source.writeKey !== '' && !knownKeys.has(source.writeKey))
      lines.push(`source "${source.name}": added`)
  }
  const existing = new Map((current.destinations ?? []).map((d) => [d.name, d]))
  for (const destination of next.destinations) {
    const { apiKey, ...settings } = destination.settings as unknown as Record<string, unknown>
    const hasKey = typeof apiKey === 'string' && apiKey !== ''
    const before = existing.get(destination.name)
    if (before === undefined) {
      lines.push(
        `destination "${destination.name}": added (${destination.mappings.length} mappings${hasKey ? ', API key set' : ', no API key'}${destination.enabled ? '' : ', disabled'})`,
      )
      continue
    }
    const changes: string[] = []
    if ((before.enabled ?? true) !== destination.enabled)
      changes.push(destination.enabled ? 'enabled' : 'disabled')
    const { apiKey: oldKey, ...oldSettings } = (before.settings ?? {}) as Record<string, unknown>
    const keys = new Set([...Object.keys(oldSettings), ...Object.keys(settings)])
    for (const key of [...keys].sort()) {
      if (canonical(oldSettings[key]) !== canonical(settings[key])) {
        changes.push(
          `setting ${key}: ${JSON.stringify(oldSettings[key] ?? null)} → ${JSON.stringify(settings[key] ?? null)}`,
        )
      }
    }
    // The service never reveals a key, so a configured key is always (re)written.
    if (hasKey)
      changes.push(oldKey === undefined ? 'API key set' : 'API key written (not compared: never exported)')
    else if (oldKey !== undefined) changes.push('API key removed')
    changes.push(...diffMappings(before.mappings ?? [], destination.mappings))
    if (changes.length > 0) lines.push(`destination "${destination.name}":`, ...changes.map((c) => `  ${c}`))
  }
  return lines
}
