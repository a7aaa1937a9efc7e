// `apply` as a diff against the store: sources, destinations and mappings of a loaded configuration
// are matched with what is stored (mappings by id when the file carries one, else by name ignoring
// case), and only what differs is written: unchanged mappings keep their ids, so their counts and
// dead letters keep naming them. Planning writes nothing; the plan lists the changes in words and
// the steps that make them, so a dry run checks exactly what the real apply would.
import type { MappingConfig } from '../iterable/mappings.js'
import type { Destination, Mapping, MappingPatch, Store } from '../store/types.js'
import { ConfigError } from './errors.js'
import type { LoadedConfig, LoadedDestination } from './load.js'

export interface ApplySummary {
  sourcesCreated: string[]
  destinationsCreated: string[]
  destinationsUpdated: string[]
  /** Destinations whose pause (401) is lifted because their key or settings changed. */
  destinationsResumed: string[]
  /** Mappings in the applied destinations. */
  mappings: number
  mappingsCreated: number
  mappingsUpdated: number
  mappingsDeleted: number
}

export interface ConfigPlan {
  /** One line per change (indented under its destination); empty when nothing changes. */
  changes: string[]
  summary: ApplySummary
  steps: (() => Promise<void>)[]
}

/** Key order never matters in configuration objects; undefined keys are absent ones. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** Pairs each configured mapping with the stored one it stands for: by id first, then by name. */
function matchMappings(given: readonly MappingConfig[], stored: readonly Mapping[]): (Mapping | undefined)[] {
  const free = new Set(stored)
  const matches = given.map((m) => {
    const byId = m.id === undefined ? undefined : stored.find((s) => s.id === m.id && free.has(s))
    if (byId !== undefined) free.delete(byId)
    return byId
  })
  return matches.map((found, i) => {
    if (found !== undefined) return found
    const byName = [...free].find((s) => sameName(s.name, given[i].name))
    if (byName !== undefined) free.delete(byName)
    return byName
  })
}

/** What differs between a stored mapping and its configuration, as a patch and in words. */
function mappingPatch(stored: Mapping, given: MappingConfig): { patch: MappingPatch; parts: string[] } {
  const patch: MappingPatch = {}
  const parts: string[] = []
  if (stored.name !== given.name) {
    patch.name = given.name
    parts.push(`renamed from "${stored.name}"`)
  }
  const enabled = given.enabled ?? true
  if (stored.enabled !== enabled) {
    patch.enabled = enabled
    parts.push(enabled ? 'enabled' : 'disabled')
  }
  if (stored.trigger !== given.trigger) {
    patch.trigger = given.trigger
    parts.push('trigger')
  }
  if (stored.action !== given.action) {
    patch.action = given.action
    parts.push(`action ${stored.action} → ${given.action}`)
  }
  if (canonical(stored.fields) !== canonical(given.fields)) {
    patch.fields = given.fields
    parts.push('fields')
  }
  const batching = given.batching ? { ...given.batching } : null
  if (canonical(stored.batching) !== canonical(batching)) {
    patch.batching = batching
    parts.push('batching')
  }
  return { patch, parts }
}

function newMapping(destinationId: string, mapping: MappingConfig, position: number) {
  return {
    destinationId,
    name: mapping.name,
    enabled: mapping.enabled ?? true,
    trigger: mapping.trigger,
    action: mapping.action,
    fields: mapping.fields,
    batching: mapping.batching ? { ...mapping.batching } : null,
    position,
  }
}

/** The changes and steps of one existing destination's mappings. */
function planMappings(
  store: Store,
  destinationId: string,
  given: readonly MappingConfig[],
  stored: readonly Mapping[],
  plan: ConfigPlan,
): string[] {
  const lines: string[] = []
  const matches = matchMappings(given, stored)
  const kept = new Set(matches.filter((m) => m !== undefined))
  const removed = stored.filter((m) => !kept.has(m))
  // Positions are renumbered only when the set or the order of the mappings changes.
  const keptOrder = stored.filter((m) => kept.has(m)).map((m) => m.id)
  const fileOrder = matches.filter((m) => m !== undefined).map((m) => m.id)
  const reordered = keptOrder.join('\n') !== fileOrder.join('\n')
  const renumber = reordered || removed.length > 0 || matches.some((m) => m === undefined)
  given.forEach((mapping, position) => {
    const current = matches[position]
    if (current === undefined) {
      lines.push(`mapping "${mapping.name}" added (${mapping.action})`)
      plan.summary.mappingsCreated++
      plan.steps.push(async () => {
        await store.createMapping(newMapping(destinationId, mapping, position))
      })
      return
    }
    const { patch, parts } = mappingPatch(current, mapping)
    if (parts.length > 0) {
      lines.push(`mapping "${mapping.name}" changed: ${parts.join(', ')}`)
      plan.summary.mappingsUpdated++
    }
    if (renumber && current.position !== position) patch.position = position
    if (Object.keys(patch).length > 0) {
      plan.steps.push(async () => {
        await store.updateMapping(current.id, patch)
      })
    }
  })
  for (const mapping of removed) {
    lines.push(`mapping "${mapping.name}" removed`)
    plan.summary.mappingsDeleted++
  }
  // Removed ones go first, so that a name they free is never held twice.
  plan.steps.unshift(
    ...removed.map((m) => async () => {
      await store.deleteMapping(m.id)
    }),
  )
  if (reordered) lines.push('mappings reordered')
  return lines
}

function describeSettings(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const lines: string[] = []
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of [...keys].sort()) {
    if (canonical(before[key]) !== canonical(after[key])) {
      lines.push(
        `setting ${key}: ${JSON.stringify(before[key] ?? null)} → ${JSON.stringify(after[key] ?? null)}`,
      )
    }
  }
  return lines
}

function settingsOf(destination: LoadedDestination): Record<string, unknown> {
  const { apiKey: _secret, ...settings } = destination.settings as unknown as Record<string, unknown>
  return settings
}

async function planExisting(
  store: Store,
  config: LoadedConfig,
  index: number,
  current: Destination,
  plan: ConfigPlan,
): Promise<void> {
  const destination = config.destinations[index]
  const settings = settingsOf(destination)
  const lines: string[] = []
  if (current.name !== destination.name) lines.push(`renamed from "${current.name}"`)
  if (current.enabled !== destination.enabled) lines.push(destination.enabled ? 'enabled' : 'disabled')
  const settingLines = describeSettings(current.settings, settings)
  lines.push(...settingLines)
  const oldKey = await store.getDestinationApiKey(current.id)
  let apiKey: string | null | undefined
  const choice = destination.apiKey
  if (choice.kind === 'keep') {
    if (oldKey === null && destination.enabled) {
      throw new ConfigError(
        config.file,
        `destinations[${index}].settings.apiKey`,
        `environment variable ${choice.variable} is not set, and destination "${current.name}" has no API key to keep`,
        'MISSING_ENV',
      )
    }
    if (oldKey !== null) lines.push(`API key kept (${choice.variable} is not set)`)
  } else {
    const next = choice.kind === 'set' ? choice.value : null
    if (next !== oldKey) {
      apiKey = next
      lines.push(next === null ? 'API key removed' : oldKey === null ? 'API key set' : 'API key changed')
    }
  }
  const resume = current.paused !== null && (apiKey !== undefined || settingLines.length > 0)
  const changedDestination =
    current.name !== destination.name ||
    current.enabled !== destination.enabled ||
    settingLines.length > 0 ||
    apiKey !== undefined
  if (changedDestination) {
    plan.summary.destinationsUpdated.push(destination.name)
    plan.steps.push(async () => {
      await store.updateDestination(current.id, {
        name: destination.name,
        settings,
        enabled: destination.enabled,
        ...(apiKey !== undefined ? { apiKey } : {}),
      })
    })
  }
  if (resume) {
    plan.summary.destinationsResumed.push(destination.name)
    plan.steps.push(async () => {
      await store.setDestinationPaused(current.id, null)
    })
  }
  const mappingPlan: ConfigPlan = { ...plan, steps: [] }
  lines.push(
    ...planMappings(
      store,
      current.id,
      destination.mappings,
      await store.listMappings(current.id),
      mappingPlan,
    ),
  )
  plan.steps.push(...mappingPlan.steps)
  if (lines.length > 0) plan.changes.push(`destination "${destination.name}":`, ...lines.map((l) => `  ${l}`))
}

function planNew(store: Store, config: LoadedConfig, index: number, plan: ConfigPlan): void {
  const destination = config.destinations[index]
  const choice = destination.apiKey
  if (choice.kind === 'keep' && destination.enabled) {
    throw new ConfigError(
      config.file,
      `destinations[${index}].settings.apiKey`,
      `environment variable ${choice.variable} is not set (destination "${destination.name}" is new: there is no API key to keep)`,
      'MISSING_ENV',
    )
  }
  const apiKey = choice.kind === 'set' ? choice.value : null
  plan.changes.push(
    `destination "${destination.name}": added (${destination.mappings.length} mappings${apiKey !== null ? ', API key set' : ', no API key'}${destination.enabled ? '' : ', disabled'})`,
  )
  plan.summary.destinationsCreated.push(destination.name)
  plan.summary.mappingsCreated += destination.mappings.length
  plan.steps.push(async () => {
    const created = await store.createDestination({
      name: destination.name,
      kind: 'iterable',
      settings: settingsOf(destination),
      apiKey,
      enabled: destination.enabled,
    })
    for (const [position, mapping] of destination.mappings.entries()) {
      await store.createMapping(newMapping(created.id, mapping, position))
    }
  })
}

/**
 * Plans a configuration: sources are added when their write key is new; destinations are matched by
 * id, else by name (ignoring case), and created or updated; their mappings are diffed. Destinations
 * and sources not named in the file are left alone. Throws ConfigError (an API key that cannot be kept).
 */
export async function planConfig(store: Store, config: LoadedConfig): Promise<ConfigPlan> {
  const plan: ConfigPlan = {
    changes: [],
    steps: [],
    summary: {
      sourcesCreated: [],
      destinationsCreated: [],
      destinationsUpdated: [],
      destinationsResumed: [],
      mappings: 0,
      mappingsCreated: 0,
      mappingsUpdated: 0,
      mappingsDeleted: 0,
    },
  }
  for (const source of config.sources) {
    if (source.writeKey === '') continue
    if ((await store.findSourceByWriteKey(source.writeKey)) !== null) continue
    plan.changes.push(`source "${source.name}": added`)
    plan.summary.sourcesCreated.push(source.name)
    plan.steps.push(async () => {
      await store.createSource({ name: source.name, writeKey: source.writeKey })
    })
  }
  const existing = await store.listDestinations()
  const taken = new Set<string>()
  for (const [index, destination] of config.destinations.entries()) {
    const current =
      existing.find((d) => d.id === destination.id && !taken.has(d.id)) ??
      existing.find((d) => sameName(d.name, destination.name) && !taken.has(d.id))
    plan.summary.mappings += destination.mappings.length
    if (current === undefined) planNew(store, config, index, plan)
    else {
      taken.add(current.id)
      await planExisting(store, config, index, current, plan)
    }
  }
  return plan
}

/** Plans and applies a configuration (see planConfig); returns the summary and the change list. */
export async function applyConfig(
  store: Store,
  config: LoadedConfig,
  options: { dryRun?: boolean } = {},
): Promise<ApplySummary & { changes: string[] }> {
  const plan = await planConfig(store, config)
  if (options.dryRun !== true) for (const step of plan.steps) await step()
  return { ...plan.summary, changes: plan.changes }
}
