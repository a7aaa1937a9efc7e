// Loads and checks a configuration file (YAML or JSON): schema, `${ENV}` secrets, settings (D10),
// presets, every trigger and mapping compiled (so errors surface at load time, with their path),
// at most 50 mappings per destination. Errors name the file, the path and the problem.
import { readFileSync } from 'node:fs'
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler'
import { parse as parseYaml } from 'yaml'
import {
  checkRequiredFields,
  compileMappingConfig,
  MAX_MAPPINGS,
  MappingConfigError,
  type CompiledMapping,
  type MappingConfig,
} from '../iterable/mappings.js'
import { actions } from '../iterable/actions/index.js'
import { findPreset } from '../iterable/presets.js'
import { SettingsValidationError } from '../iterable/errors.js'
import { validateSettings, type IterableSettings } from '../iterable/settings.js'
import { DEFAULT_DESTINATION_NAME, defaultMappings, presetMapping } from './defaults.js'
import { resolveEnvReferences, MissingEnvError } from './env.js'
import { ConfigError } from './errors.js'
import {
  ConfigSchema,
  type ConfigFile,
  type DestinationConfigFile,
  type MappingConfigFile,
} from './schema.js'

export interface LoadOptions {
  /** Where `${NAME}` references are read (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>
  /** Preview: unset variables and a missing API key are allowed (a placeholder key is used, never shown). */
  preview?: boolean
  /** `apply`: an API key given as `${VAR}` with VAR unset keeps the destination's stored key. */
  keepUnsetApiKey?: boolean
}

export interface LoadedSource {
  name: string
  writeKey: string
}

/** What the file says about a destination's API key. */
export type ApiKeyChoice =
  | { kind: 'set'; value: string }
  | { kind: 'none' }
  /** `${variable}` with the variable unset (`keepUnsetApiKey`): keep the stored key. */
  | { kind: 'keep'; variable: string }

export interface LoadedDestination {
  /** The id the file gives (as exported), if any: `apply` matches by it before the name. */
  id?: string
  name: string
  enabled: boolean
  settings: IterableSettings
  /** The API key as configured (`settings.apiKey` may hold preview's placeholder instead). */
  apiKey: ApiKeyChoice
  /** The mappings as configured, presets expanded. */
  mappings: MappingConfig[]
  /** The same, compiled (trigger, mapping, fields, batching). */
  compiled: CompiledMapping[]
}

export interface LoadedConfig {
  /** The file name used in messages (`<default>` for the built-in configuration). */
  file: string
  sources: LoadedSource[]
  destinations: LoadedDestination[]
  /** Accepted but worth a look (clamped batch sizes, triggers Segment reads differently …), with their path. */
  warnings: string[]
}

const checker = TypeCompiler.Compile(ConfigSchema)

/** `/destinations/0/mappings/3/trigger` → `destinations[0].mappings[3].trigger`. */
function displayPath(pointer: string): string {
  let out = ''
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`
  }
  return out
}

function parseText(file: string, text: string): unknown {
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new ConfigError(
      file,
      '',
      `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${message}`,
      'CONFIG_SYNTAX',
    )
  }
}

function checkSchema(file: string, value: unknown): ConfigFile {
  if (value === null || value === undefined) return {}
  const first = checker.Errors(value).First()
  if (first !== undefined) {
    const path = displayPath(first.path)
    let problem = first.message
    if (first.path.endsWith('/action')) problem = `Expected one of: ${Object.keys(actions).join(', ')}`
    if (first.type === ValueErrorType.ObjectAdditionalProperties) problem = `unknown key (${problem})`
    throw new ConfigError(file, path, problem, 'CONFIG_SCHEMA')
  }
  return value
}

function resolveSecret(
  file: string,
  path: string,
  value: string | undefined,
  options: LoadOptions,
): string | undefined {
  if (value === undefined) return undefined
  try {
    return resolveEnvReferences(value, options.env ?? process.env, options.preview === true)
  } catch (error) {
    if (error instanceof MissingEnvError) throw new ConfigError(file, path, error.message, 'MISSING_ENV')
    throw error
  }
}

/** The variable of a value that is exactly one `${VAR}` reference to an unset variable. */
function unsetVariable(value: string | undefined, options: LoadOptions): string | undefined {
  const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value ?? '')
  if (match === null) return undefined
  const found = (options.env ?? process.env)[match[1]]
  return found === undefined || found === '' ? match[1] : undefined
}

function expandMapping(file: string, path: string, mapping: MappingConfigFile): MappingConfig {
  let base: MappingConfig | undefined
  if (mapping.preset !== undefined) {
    const preset = findPreset(mapping.preset)
    if (preset === undefined)
      throw new ConfigError(file, `${path}.preset`, `unknown preset "${mapping.preset}"`)
    base = presetMapping(preset)
  }
  const trigger = mapping.trigger ?? base?.trigger
  if (trigger === undefined || trigger === '') {
    throw new ConfigError(file, `${path}.trigger`, 'a trigger is required')
  }
  const action = mapping.action ?? base?.action
  if (action === undefined) throw new ConfigError(file, `${path}.action`, 'an action is required')
  if (base !== undefined && mapping.action !== undefined && mapping.action !== base.action) {
    throw new ConfigError(file, `${path}.action`, `preset "${mapping.preset}" is for action ${base.action}`)
  }
  const fields = mapping.fields ?? (base ? {} : undefined)
  if (fields === undefined) throw new ConfigError(file, `${path}.fields`, 'fields are required')
  const expanded: MappingConfig = {
    ...(mapping.id !== undefined ? { id: mapping.id } : {}),
    name: mapping.name,
    enabled: mapping.enabled ?? true,
    trigger,
    action,
    fields: base ? { ...base.fields, ...fields } : fields,
  }
  if (mapping.batching !== undefined) expanded.batching = mapping.batching
  return expanded
}

function loadDestination(
  file: string,
  index: number,
  destination: DestinationConfigFile,
  options: LoadOptions,
  warnings: string[],
): LoadedDestination {
  const path = `destinations[${index}]`
  const raw = destination.settings ?? {}
  const settingsInput: Record<string, unknown> = {}
  let apiKey: ApiKeyChoice = { kind: 'none' }
  for (const [key, value] of Object.entries(raw)) {
    const where = `${path}.settings.${key}`
    const unset =
      key === 'apiKey' && options.keepUnsetApiKey === true ? unsetVariable(value, options) : undefined
    if (unset !== undefined) apiKey = { kind: 'keep', variable: unset }
    else settingsInput[key] = resolveSecret(file, where, value, options)
  }
  if (typeof settingsInput.apiKey === 'string' && settingsInput.apiKey !== '')
    apiKey = { kind: 'set', value: settingsInput.apiKey }
  let settings: IterableSettings
  try {
    settings = validateSettings(settingsInput, {
      requireApiKey: options.preview !== true && destination.enabled !== false && apiKey.kind !== 'keep',
    })
  } catch (error) {
    if (error instanceof SettingsValidationError) {
      const where = error.setting === undefined ? `${path}.settings` : `${path}.settings.${error.setting}`
      throw new ConfigError(file, where, error.message, error.code)
    }
    throw error
  }

  const given = destination.mappings
  if (given !== undefined && given.length > MAX_MAPPINGS) {
    throw new ConfigError(
      file,
      `${path}.mappings`,
      `a destination can have at most ${MAX_MAPPINGS} mappings; this one has ${given.length}`,
      'TOO_MANY_MAPPINGS',
    )
  }
  const mappings =
    given === undefined
      ? defaultMappings()
      : given.map((m, i) => expandMapping(file, `${path}.mappings[${i}]`, m))
  const seen = new Map<string, string>()
  const ids = new Set<string>()
  const compiled = mappings.map((mapping, i) => {
    const mappingPath = `${path}.mappings[${i}]`
    const clash = seen.get(mapping.name.toLowerCase())
    if (clash !== undefined) {
      const same =
        clash === mapping.name ? '' : ` (clashes with "${clash}": names are compared ignoring case)`
      throw new ConfigError(
        file,
        `${mappingPath}.name`,
        `duplicate mapping name "${mapping.name}"${same}`,
        'DUPLICATE_NAME',
      )
    }
    seen.set(mapping.name.toLowerCase(), mapping.name)
    if (mapping.id !== undefined) {
      if (ids.has(mapping.id))
        throw new ConfigError(
          file,
          `${mappingPath}.id`,
          `duplicate mapping id "${mapping.id}"`,
          'DUPLICATE_ID',
        )
      ids.add(mapping.id)
    }
    try {
      const result = compileMappingConfig(mapping)
      checkRequiredFields(mapping)
      for (const warning of result.warnings) warnings.push(`${file}: ${mappingPath}: ${warning}`)
      return result
    } catch (error) {
      if (error instanceof MappingConfigError) {
        throw new ConfigError(file, `${mappingPath}.${error.path}`, error.message, error.code, {
          cause: error,
        })
      }
      throw error
    }
  })
  return {
    ...(destination.id !== undefined ? { id: destination.id } : {}),
    name: destination.name,
    enabled: destination.enabled ?? true,
    settings,
    apiKey,
    mappings,
    compiled,
  }
}

/** Checks an already parsed configuration; `file` is only used in messages. */
export function parseConfig(value: unknown, file: string, options: LoadOptions = {}): LoadedConfig {
  const config = checkSchema(file, value)
  const warnings: string[] = []
  const sources = (config.sources ?? []).map((source, i) => {
    const writeKey = resolveSecret(file, `sources[${i}].writeKey`, source.writeKey, options)
    return { name: source.name, writeKey: writeKey ?? '' }
  })
  const given = config.destinations ?? [{ name: DEFAULT_DESTINATION_NAME }]
  const names = new Set<string>()
  const destinations = given.map((destination, i) => {
    if (names.has(destination.name.toLowerCase())) {
      throw new ConfigError(
        file,
        `destinations[${i}].name`,
        `duplicate destination name "${destination.name}" (names are compared ignoring case)`,
        'DUPLICATE_NAME',
      )
    }
    names.add(destination.name.toLowerCase())
    return loadDestination(file, i, destination, options, warnings)
  })
  return { file, sources, destinations, warnings }
}

/** Reads and checks a YAML (`.yaml`/`.yml`) or JSON (`.json`) configuration file. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new ConfigError(file, '', `cannot read the file: ${message}`, 'CONFIG_UNREADABLE')
  }
  return parseConfig(parseText(file, text), file, options)
}

/** The configuration used when none is given: one destination (`united_states`), the four automatic presets. */
export function defaultConfig(options: LoadOptions = {}): LoadedConfig {
  return parseConfig({ destinations: [{ name: DEFAULT_DESTINATION_NAME }] }, '<default>', {
    preview: true,
    ...options,
  })
}
