// The four actions' fields against reference §3 (reference-iterable-actions.md): key order, label,
// type, required/multiple/allowNull flags, default mapping, and the description wherever §3 quotes
// the exact text. The tables below are written from the spec, not read from the code.
//
// Deliberate differences (compatibility.md):
// - D11: `batch_size` defaults to 1000 with bounds 1..1000 (reference: 1001, no bounds), and the
//   `enable_batching` description says 1000 ("batches of up to 1000"; the reference's text is
//   "When enabled, Segment will send data to Iterable in batches of up to 1001").
// - D13: the trackPurchase `id` description adds that the messageId is used when no id is mapped.
import { describe, expect, it } from 'vitest'
import { actions } from '../../src/iterable/actions/index.js'
import type { FieldDefinition } from '../../src/engine/fields/types.js'

interface Row {
  label: string
  type: string
  required: boolean
  default?: unknown
  multiple?: true
  allowNull?: true
  format?: 'email'
  description?: string
}

const path = (p: string) => ({ '@path': p })

// §3.0 shared definitions.
const EMAIL_IF = {
  '@if': {
    exists: path('$.properties.email'),
    then: path('$.properties.email'),
    else: path('$.context.traits.email'),
  },
}
const EMAIL: Row = {
  label: 'Email Address',
  type: 'string',
  required: false,
  format: 'email',
  default: EMAIL_IF,
  description: 'An email address that identifies a user profile in Iterable.',
}
const USER_ID: Row = {
  label: 'User ID',
  type: 'string',
  required: false,
  default: path('$.userId'),
  description: 'A user ID that identifies a user profile in Iterable.',
}
const USER_DATA: Row = {
  label: 'User Data Fields',
  type: 'object',
  required: false,
  default: path('$.traits'),
  description: 'Data to store on the user profile.',
}
const PHONE: Row = {
  label: 'User Phone Number',
  type: 'string',
  required: false,
  allowNull: true,
  default: path('$.traits.phone'),
  description: 'Must be a valid phone number including country code, e.g. +14158675309',
}
const EVENT_DATA: Row = {
  label: 'Event Data Fields',
  type: 'object',
  required: false,
  default: path('$.properties'),
  description: 'Additional event properties.',
}
const CREATED_AT: Row = {
  label: 'Timestamp',
  type: 'datetime',
  required: false,
  default: path('$.timestamp'),
  description: 'Time the event took place.',
}
const CAMPAIGN_ID: Row = {
  label: 'Campaign ID',
  type: 'integer',
  required: false,
  default: path('$.properties.campaignId'),
  description: 'Iterable campaign the event can be attributed to.',
}
const TEMPLATE_ID: Row = {
  label: 'Template ID',
  type: 'integer',
  required: false,
  default: path('$.properties.templateId'),
  description: 'Iterable template the event can be attributed to.',
}
const MERGE_NESTED: Row = {
  label: 'Merge Nested Objects',
  type: 'boolean',
  required: false,
  default: false,
  description:
    "Set to true to merge, rather than overwrite, the profile's top-level objects with the values in the request.",
}
// §3.5: the items default reads only these 9 product keys.
const ITEMS_DEFAULT = {
  '@arrayPath': [
    '$.properties.products',
    {
      id: path('product_id'),
      sku: path('sku'),
      categories: path('category'),
      name: path('name'),
      price: path('price'),
      quantity: path('quantity'),
      url: path('url'),
      imageUrl: path('image_url'),
      description: path('description'),
    },
  ],
}
const ITEMS: Row = {
  label: 'Cart items',
  type: 'object',
  required: true,
  multiple: true,
  default: ITEMS_DEFAULT,
  description:
    'Each item must contain `id`, `name`, `price`, and `quantity`. Extra values are added to dataFields.',
}
const ENABLE_BATCHING: Row = {
  label: 'Enable Batching',
  type: 'boolean',
  required: false,
  default: true,
  description: 'When enabled, data is sent to Iterable in batches of up to 1000', // D11 (see top)
}
const BATCH_SIZE: Row = {
  label: 'Batch Size',
  type: 'number',
  required: false,
  default: 1000, // D11: the reference's default is 1001
  description: 'Maximum number of events to include in each batch. Actual batch sizes may be lower.',
}
// §3.3: the object-level default of `user`, reading context.traits.
const CART_USER_DEFAULT = {
  email: EMAIL_IF,
  userId: path('$.userId'),
  dataFields: path('$.context.traits'),
  phoneNumber: path('$.context.traits.phone'),
  mergeNestedObjects: false,
}
const USER: Row = {
  label: 'User Data',
  type: 'object',
  required: true,
  default: CART_USER_DEFAULT,
  description: 'Updates user data or adds a user if none exists',
}

const EXPECTED: Record<string, Record<string, Row>> = {
  // §3.1
  updateUser: {
    email: { ...EMAIL, default: path('$.traits.email') },
    userId: USER_ID,
    newEmail: {
      label: 'New Email Address',
      type: 'string',
      required: false,
      format: 'email',
      description:
        'For single event processing, Segment makes a separate API call to set the new email address. Batch updating a profile email address is only supported for Hybrid projects.',
    },
    dataFields: USER_DATA,
    phoneNumber: PHONE,
    mergeNestedObjects: MERGE_NESTED,
    enable_batching: ENABLE_BATCHING,
    updateOnly: { label: 'Update Only', type: 'boolean', required: false },
    batch_size: BATCH_SIZE,
  },
  // §3.2
  trackEvent: {
    email: EMAIL,
    userId: USER_ID,
    eventName: {
      label: 'Event name',
      type: 'string',
      required: true,
      default: path('$.event'),
      description: 'Name of the event',
    },
    dataFields: EVENT_DATA,
    id: {
      label: 'Event ID',
      type: 'string',
      required: false,
      default: path('$.messageId'),
      description: 'A unique ID. If an event exists with that id, the event will be updated',
    },
    createdAt: CREATED_AT,
    campaignId: CAMPAIGN_ID,
    templateId: TEMPLATE_ID,
    enable_batching: ENABLE_BATCHING,
    batch_size: BATCH_SIZE,
  },
  // §3.3
  updateCart: { user: USER, items: ITEMS },
  // §3.4
  trackPurchase: {
    id: { label: 'Order ID', type: 'string', required: false, default: path('$.properties.order_id') },
    user: USER,
    dataFields: EVENT_DATA,
    items: ITEMS,
    total: {
      label: 'Total',
      type: 'number',
      required: true,
      default: path('$.properties.total'),
      description: 'Total order amount.',
    },
    createdAt: CREATED_AT,
    campaignId: CAMPAIGN_ID,
    templateId: TEMPLATE_ID,
  },
}

/** The properties of a definition that the rows describe ("unless stated otherwise" = false/absent). */
function described(field: FieldDefinition, row: Row): Row {
  const actual: Row = { label: field.label, type: field.type, required: field.required === true }
  if (field.default !== undefined) actual.default = field.default
  if (field.multiple === true) actual.multiple = true
  if (field.allowNull === true) actual.allowNull = true
  if (field.format !== undefined) actual.format = field.format as 'email'
  if (row.description !== undefined) actual.description = field.description
  return actual
}

describe.each(Object.keys(EXPECTED))('%s fields (reference §3)', (key) => {
  const fields = actions[key as keyof typeof actions].fields as Record<string, FieldDefinition>
  const expected = EXPECTED[key]

  it('has exactly the reference keys, in declaration order', () => {
    expect(Object.keys(fields)).toEqual(Object.keys(expected))
  })

  it.each(Object.keys(expected))('%s: label, type, flags, default and description', (name) => {
    const row = expected[name]
    expect(described(fields[name], row)).toEqual(row)
  })

  it('no choices, and no bounds or depends_on except where §3 (or D11) gives them', () => {
    for (const [name, field] of Object.entries(fields)) {
      expect(field.choices, name).toBeUndefined()
      if (name !== 'batch_size') {
        expect([field.minimum, field.maximum], name).toEqual([undefined, undefined])
      }
      if (name !== 'updateOnly') expect(field.depends_on, name).toBeUndefined()
    }
  })
})

describe('field details stated in §3 beside the tables', () => {
  it('batch_size is hidden; D11: bounded 1..1000 (the reference has no bounds)', () => {
    for (const key of ['updateUser', 'trackEvent'] as const) {
      const batchSize = actions[key].fields.batch_size
      expect(batchSize.unsafe_hidden).toBe(true)
      expect([batchSize.minimum, batchSize.maximum]).toEqual([1, 1000])
    }
  })

  it('updateOnly depends on enable_batching = true and accepts only a literal in the UI', () => {
    const updateOnly = actions.updateUser.fields.updateOnly
    expect(updateOnly.depends_on).toEqual({
      match: 'all',
      conditions: [{ fieldKey: 'enable_batching', operator: 'is', value: true }],
    })
    expect(updateOnly.disabledInputMethods).toEqual(['variable', 'function', 'freeform', 'enrichment'])
  })

  it('user (cart, purchase): no extra keys; nested properties in the reference order', () => {
    const cartUser = actions.updateCart.fields.user
    const purchaseUser = actions.trackPurchase.fields.user
    expect(cartUser.additionalProperties).toBe(false)
    expect(purchaseUser.additionalProperties).toBe(false)
    expect(Object.keys(cartUser.properties ?? {})).toEqual([
      'email',
      'userId',
      'mergeNestedObjects',
      'dataFields',
      'phoneNumber',
    ])
    expect(Object.keys(purchaseUser.properties ?? {})).toEqual([
      'email',
      'userId',
      'dataFields',
      'mergeNestedObjects',
      'phoneNumber',
    ])
    // The nested defaults say `$.traits…` although the object default reads context.traits.
    expect(cartUser.properties?.dataFields.default).toEqual(path('$.traits'))
    expect(cartUser.properties?.phoneNumber.default).toEqual(path('$.traits.phone'))
    expect(cartUser.properties?.phoneNumber.allowNull).toBe(true)
  })

  it('items (§3.5): extra keys kept; nested keys, labels, types and required flags', () => {
    for (const key of ['updateCart', 'trackPurchase'] as const) {
      const items = actions[key].fields.items
      expect(items.additionalProperties).toBe(true)
      const nested = Object.entries(items.properties ?? {}).map(([name, f]) => [
        name,
        f.label,
        f.type,
        f.required === true,
        f.multiple === true,
      ])
      expect(nested).toEqual([
        ['id', 'Product Id', 'string', true, false],
        ['name', 'Product Name', 'string', true, false],
        ['sku', 'Product SKU', 'string', false, false],
        ['quantity', 'Quantity', 'integer', true, false],
        ['price', 'Price', 'number', true, false],
        ['description', 'Product Description', 'string', false, false],
        ['categories', 'Product Category', 'string', false, false],
        ['url', 'Product URL', 'string', false, false],
        ['imageUrl', 'Product Image URL', 'string', false, false],
      ])
    }
  })

  it('trackPurchase id: the reference text, extended for D13', () => {
    const description = actions.trackPurchase.fields.id.description
    expect(description).toMatch(/^Similar to Event ID\. Iterable recommends .*`order_id` or `messageId`/)
    expect(description).toContain('messageId is used')
  })

  it('action titles, descriptions and default subscriptions (§3.1–3.4)', () => {
    expect(Object.values(actions).map((a) => [a.key, a.title, a.description, a.defaultSubscription])).toEqual(
      [
        ['updateUser', 'Upsert User', 'Creates or updates a user', 'type = "identify"'],
        [
          'trackEvent',
          'Custom Event',
          'Track a custom event to a user profile',
          'type = "track" and event != "Order Completed" and event != "Cart Updated"',
        ],
        [
          'updateCart',
          'Cart Updates',
          'Updates the shoppingCartItems field on the user profile.',
          'type = "track" and event == "Cart Updated"',
        ],
        [
          'trackPurchase',
          'Track Purchase',
          'Tracks a purchase to Iterable',
          'type = "track" and event == "Order Completed"',
        ],
        // Beyond the reference (issue 16): Segment's beta action.
        [
          'updateSubscriptions',
          'Update Subscriptions',
          expect.stringMatching(/^Manage subscription preferences for a user/) as unknown,
          'type = "track" and event = "Subscriptions Updated"',
        ],
        [
          'registerDeviceToken',
          'Register Push Token',
          expect.any(String) as unknown,
          'type = "identify" and context.device.token != null',
        ],
        ['mergeUsers', 'Merge Users', expect.any(String) as unknown, 'type = "alias"'],
        // Segment's "Iterable Lists (Actions)" destination (iterable-audiences).
        [
          'syncAudience',
          'Sync To Iterable Lists',
          'Sync Segment Audience to Iterable Lists',
          'type = "identify" or type = "track"',
        ],
      ],
    )
  })
})
