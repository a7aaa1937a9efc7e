// The declarative definition of the destination: what the admin UI, `export` and docs read.
import { actions } from './actions/index.js'
import { PRESETS } from './presets.js'
import { settingsDefinition } from './settings.js'
import { MAX_MAPPINGS } from './mappings.js'

export const iterableDestination = {
  name: 'Iterable (Actions)',
  slug: 'actions-iterable',
  mode: 'cloud',
  description: 'Send Segment-spec events to Iterable through triggers, actions and field mappings.',
  /** Authentication test: GET /api/webhooks with the Api-Key header (see `testAuthentication`). */
  authentication: { scheme: 'custom', fields: settingsDefinition, testPath: '/api/webhooks' },
  settings: settingsDefinition,
  actions,
  presets: PRESETS,
  maxMappings: MAX_MAPPINGS,
} as const

export type IterableDestination = typeof iterableDestination
