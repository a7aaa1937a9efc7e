// Presets (reference §2). A preset's mapping is the default of every action field that has one,
// plus the listed overrides. The four automatic presets make the default configuration.
import type { FieldDefinitions } from '../engine/fields/types.js'
import { actions } from './actions/index.js'
import type { ActionKey } from './actions/types.js'

export type Mapping = Record<string, unknown>

export interface AutomaticPreset {
  name: string
  type: 'automatic'
  subscribe: string
  partnerAction: ActionKey
  mapping: Mapping
}

export interface SpecificEventPreset {
  name: string
  type: 'specificEvent'
  eventSlug: string
  partnerAction: ActionKey
  mapping: Mapping
}

/** A preset with a trigger that is not part of the default configuration (the actions of issue 16). */
export interface OptionalPreset {
  name: string
  type: 'optional'
  subscribe: string
  partnerAction: ActionKey
  mapping: Mapping
}

export type Preset = AutomaticPreset | SpecificEventPreset | OptionalPreset

/** `defaultValues(fields)`: each field's default mapping, fields without one left out. */
export function defaultMapping(fields: FieldDefinitions): Mapping {
  const mapping: Mapping = {}
  for (const [key, field] of Object.entries(fields)) {
    if (field.default !== undefined) mapping[key] = field.default
  }
  return mapping
}

function defaults(action: ActionKey, overrides: Mapping = {}): Mapping {
  return { ...defaultMapping(actions[action].fields), ...overrides }
}

const PROPERTIES = { dataFields: { '@path': '$.properties' } }
const TRAITS = { dataFields: { '@path': '$.traits' } }

export const AUTOMATIC_PRESETS: readonly AutomaticPreset[] = [
  {
    name: 'Track Calls',
    type: 'automatic',
    subscribe: 'type = "track" and event != "Order Completed" and event != "Cart Updated"',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent'),
  },
  {
    name: 'Identify Calls',
    type: 'automatic',
    subscribe: 'type = "identify"',
    partnerAction: 'updateUser',
    mapping: defaults('updateUser'),
  },
  {
    name: 'Update Cart Calls',
    type: 'automatic',
    subscribe: 'type = "track" and event = "Cart Updated"',
    partnerAction: 'updateCart',
    mapping: defaults('updateCart'),
  },
  {
    name: 'Order Completed Calls',
    type: 'automatic',
    subscribe: 'type = "track" and event = "Order Completed"',
    partnerAction: 'trackPurchase',
    mapping: defaults('trackPurchase'),
  },
]

/** Presets for Segment's specific events (warehouse entities, journeys); available, not enabled by default. */
export const SPECIFIC_EVENT_PRESETS: readonly SpecificEventPreset[] = [
  {
    name: 'Associated Entity Added',
    type: 'specificEvent',
    eventSlug: 'warehouse_entity_added_track',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent'),
  },
  {
    name: 'Associated Entity Removed',
    type: 'specificEvent',
    eventSlug: 'warehouse_entity_removed_track',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', PROPERTIES),
  },
  {
    name: 'Entities Audience Entered',
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_entered_track',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', PROPERTIES),
  },
  {
    name: 'Entities Exited',
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_exited_track',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', PROPERTIES),
  },
  {
    name: 'Entities Audience Membership Changed',
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_membership_changed_identify',
    partnerAction: 'updateUser',
    mapping: defaults('updateUser', TRAITS),
  },
  {
    name: 'Journeys Step Transition Track',
    type: 'specificEvent',
    eventSlug: 'journeys_step_entered_track',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', PROPERTIES),
  },
  {
    // The reference gives this preset the same slug as the one above (§7.9); kept as is.
    name: 'Journeys Step Entered',
    type: 'specificEvent',
    eventSlug: 'journeys_step_entered_track',
    partnerAction: 'updateUser',
    mapping: defaults('updateUser', TRAITS),
  },
]

/**
 * Presets for the actions beyond the reference's four (issue 16): each has a trigger, none is in the
 * default configuration.
 */
/**
 * Page and screen views as custom events, named as RudderStack names them (docs/destination.md):
 * "<name> Page" / "<name> Screen", or "Loaded a Page" / "Loaded a Screen" for an unnamed view.
 */
function viewEventName(suffix: 'Page' | 'Screen'): Mapping {
  return {
    eventName: {
      '@if': {
        exists: { '@path': '$.name' },
        then: { '@template': `{{name}} ${suffix}` },
        else: `Loaded a ${suffix}`,
      },
    },
  }
}

export const OPTIONAL_PRESETS: readonly OptionalPreset[] = [
  {
    name: 'Subscriptions Updated Calls',
    type: 'optional',
    subscribe: 'type = "track" and event = "Subscriptions Updated"',
    partnerAction: 'updateSubscriptions',
    mapping: defaults('updateSubscriptions'),
  },
  {
    name: 'Device Token Calls',
    type: 'optional',
    subscribe: 'type = "identify" and context.device.token != null',
    partnerAction: 'registerDeviceToken',
    mapping: defaults('registerDeviceToken'),
  },
  {
    name: 'Alias Calls',
    type: 'optional',
    subscribe: 'type = "alias"',
    partnerAction: 'mergeUsers',
    mapping: defaults('mergeUsers'),
  },
  {
    name: 'Page Calls',
    type: 'optional',
    subscribe: 'type = "page"',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', viewEventName('Page')),
  },
  {
    name: 'Screen Calls',
    type: 'optional',
    subscribe: 'type = "screen"',
    partnerAction: 'trackEvent',
    mapping: defaults('trackEvent', viewEventName('Screen')),
  },
]

/**
 * The presets of Segment's "Iterable Lists (Actions)" destination, for syncAudience: its names (with
 * "(Lists)" added, as the Iterable destination's presets already use them) and its event slugs.
 */
export const LIST_PRESETS: readonly SpecificEventPreset[] = [
  ['Entities Audience Membership Changed', 'warehouse_audience_membership_changed_identify'],
  ['Associated Entity Added', 'warehouse_entity_added_track'],
  ['Associated Entity Removed', 'warehouse_entity_removed_track'],
  ['Journeys Step Entered', 'journeys_step_entered_track'],
].map(([name, eventSlug]) => ({
  name: `${name} (Lists)`,
  type: 'specificEvent',
  eventSlug,
  partnerAction: 'syncAudience',
  mapping: defaults('syncAudience'),
}))

export const PRESETS: readonly Preset[] = [
  ...AUTOMATIC_PRESETS,
  ...SPECIFIC_EVENT_PRESETS,
  ...OPTIONAL_PRESETS,
  ...LIST_PRESETS,
]

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name)
}
