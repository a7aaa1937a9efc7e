// previewEvent accepts a loaded configuration or a plain configuration object; the latter is
// checked and compiled once and cached for as long as the object lives. Each loaded configuration
// gets its routing once too (its mappings are compiled when it is loaded, not again).
import { defaultConfig, parseConfig, type LoadedConfig } from '../config/load.js'
import { Routing } from '../routing/index.js'

const cache = new WeakMap<object, LoadedConfig>()
const routings = new WeakMap<LoadedConfig, Routing>()
let defaultLoaded: LoadedConfig | undefined

function isLoaded(config: object): config is LoadedConfig {
  const destinations = (config as { destinations?: unknown }).destinations
  return (
    Array.isArray(destinations) &&
    destinations.every(
      (d) => d !== null && typeof d === 'object' && Array.isArray((d as { compiled?: unknown }).compiled),
    ) &&
    typeof (config as { file?: unknown }).file === 'string'
  )
}

/** The compiled configuration for preview (`undefined` → the default configuration). */
export function previewConfig(config: unknown): LoadedConfig {
  if (config === undefined || config === null) return (defaultLoaded ??= defaultConfig())
  if (typeof config !== 'object') throw new TypeError('previewEvent: config must be an object')
  if (isLoaded(config)) return config
  let loaded = cache.get(config)
  if (loaded === undefined) {
    loaded = parseConfig(config, '<config>', { preview: true })
    cache.set(config, loaded)
  }
  return loaded
}

/**
 * The routing of a loaded configuration for preview: every enabled destination receives (preview
 * needs no API key); destinations and mappings are named by their names, unique in a configuration.
 */
export function previewRouting(config: LoadedConfig): Routing {
  let routing = routings.get(config)
  if (routing === undefined) {
    routing = Routing.ofCompiled(
      config.destinations
        .filter((d) => d.enabled)
        .map((d) => ({
          id: d.name,
          name: d.name,
          settings: d.settings,
          mappings: d.compiled.map((compiled) => ({ id: compiled.name, compiled })),
        })),
    )
    routings.set(config, routing)
  }
  return routing
}
