// What `serve` makes sure exists before it starts: the configuration file applied, a source with a
// write key, the default destination with its four automatic presets, and the sandbox's API key.
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { applyConfig, DEFAULT_DESTINATION_NAME, defaultMappings, loadConfig } from '../../config/index.js'
import type { Destination, Store } from '../../store/index.js'
import { generateSecret } from '../../util/random-secret.js'
import type { ServeOptions } from './options.js'

/** Keeps or creates the source of `--write-key`; with none given and no source at all, generates one. */
async function ensureSource(
  store: Store,
  given: string | undefined,
): Promise<{ key: string; generated: boolean }> {
  if (given !== undefined) {
    if ((await store.findSourceByWriteKey(given)) === null)
      await store.createSource({ name: 'default', writeKey: given })
    return { key: given, generated: false }
  }
  for (const source of await store.listSources()) {
    if (source.revokedAt !== null) continue
    const key = await store.getSourceWriteKey(source.id)
    if (key !== null) return { key, generated: false }
  }
  const key = generateSecret('wk_')
  await store.createSource({ name: 'default', writeKey: key })
  return { key, generated: true }
}

/**
 * Marks a key made up for the built-in sandbox. Only the sandbox accepts it, and a later start
 * without `--sandbox` must not take it for a real Iterable key (see forgetSandboxKey).
 */
export const SANDBOX_KEY_PREFIX = 'sandbox_'

/** With `--sandbox`: the given key, else the default destination's stored key, else a new one. */
async function sandboxApiKey(store: Store, options: ServeOptions): Promise<string | undefined> {
  if (!options.sandbox) return undefined
  if (options.apiKey !== undefined) return options.apiKey
  const existing = (await store.listDestinations()).find((d) => d.name === DEFAULT_DESTINATION_NAME)
  const stored = existing ? await store.getDestinationApiKey(existing.id) : null
  return stored ?? SANDBOX_KEY_PREFIX + randomBytes(16).toString('hex')
}

/**
 * Without `--sandbox` and `--api-key`: a default destination still holding the key made up by an
 * earlier `--sandbox` run (same data folder, e.g. `npm start` then `serve`) would otherwise deliver
 * to Iterable — somewhere the user did not choose. The key is removed: delivery is disabled until
 * a real key is set.
 */
async function forgetSandboxKey(
  store: Store,
  destination: Destination,
  options: ServeOptions,
  logger: Logger,
): Promise<Destination> {
  if (options.sandbox || options.apiKey !== undefined || !destination.hasApiKey) return destination
  const key = await store.getDestinationApiKey(destination.id)
  if (key === null || !key.startsWith(SANDBOX_KEY_PREFIX)) return destination
  logger.warn(
    { destination: destination.name },
    'the default destination held the key made up for the built-in sandbox by an earlier --sandbox run: ' +
      'removed, so nothing goes to Iterable until an API key is set (--api-key, the UI, or apply)',
  )
  return (await store.updateDestination(destination.id, { apiKey: null })) ?? destination
}

/** The default destination (four automatic presets), created when missing; `--api-key`/`--data-center` applied. */
async function ensureDefaultDestination(
  store: Store,
  options: ServeOptions,
  sandboxKey: string | undefined,
): Promise<Destination> {
  let destination = (await store.listDestinations()).find((d) => d.name === DEFAULT_DESTINATION_NAME)
  if (destination === undefined) {
    destination = await store.createDestination({
      name: DEFAULT_DESTINATION_NAME,
      kind: 'iterable',
      settings: { dataCenterLocation: options.dataCenter ?? 'united_states' },
      apiKey: options.apiKey ?? sandboxKey ?? null,
    })
    for (const mapping of defaultMappings()) {
      await store.createMapping({
        destinationId: destination.id,
        name: mapping.name,
        enabled: mapping.enabled ?? true,
        trigger: mapping.trigger,
        action: mapping.action,
        fields: mapping.fields,
      })
    }
    return destination
  }
  const key = options.apiKey ?? (destination.hasApiKey ? undefined : sandboxKey)
  const settings =
    options.dataCenter !== undefined
      ? { ...destination.settings, dataCenterLocation: options.dataCenter }
      : undefined
  if (key !== undefined || settings !== undefined) {
    const oldKey = await store.getDestinationApiKey(destination.id)
    const changed = (key !== undefined && key !== oldKey) || settings !== undefined
    destination =
      (await store.updateDestination(destination.id, {
        ...(key !== undefined ? { apiKey: key } : {}),
        ...(settings !== undefined ? { settings } : {}),
      })) ?? destination
    // New credentials or region: a 401 pause is lifted.
    if (changed && destination.paused !== null) await store.setDestinationPaused(destination.id, null)
  }
  return destination
}

/** Where the default source's write key came from (the banner shows only a generated one). */
export type WriteKeyOrigin = 'generated' | 'given' | 'stored'

export interface Bootstrapped {
  writeKey: string
  writeKeyGenerated: boolean
  writeKeyOrigin: WriteKeyOrigin
  destination: Destination
  /** The API key the built-in sandbox accepts (only with `--sandbox`). */
  sandboxKey: string | undefined
}

/** Run once per start; with several nodes, under the store's lock (they would each create a copy). */
export async function bootstrap(store: Store, options: ServeOptions, logger: Logger): Promise<Bootstrapped> {
  if (options.config !== undefined) {
    const loaded = loadConfig(options.config)
    for (const warning of loaded.warnings) logger.warn(warning)
    await applyConfig(store, loaded)
  }
  const source = await ensureSource(store, options.writeKey)
  const sandboxKey = await sandboxApiKey(store, options)
  const destination = await forgetSandboxKey(
    store,
    await ensureDefaultDestination(store, options, sandboxKey),
    options,
    logger,
  )
  const writeKeyOrigin: WriteKeyOrigin = source.generated
    ? 'generated'
    : options.writeKey !== undefined
      ? 'given'
      : 'stored'
  return {
    writeKey: source.key,
    writeKeyGenerated: source.generated,
    writeKeyOrigin,
    destination,
    sandboxKey,
  }
}
