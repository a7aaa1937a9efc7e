// Field definitions shared by several actions (reference §3.0, §3.5). Labels, descriptions, types
// and default mappings are the reference's.
import type { FieldDefinition } from '../engine/fields/types.js'

export const EMAIL_FIELD = {
  label: 'Email Address',
  description: 'An email address that identifies a user profile in Iterable.',
  type: 'string',
  format: 'email',
  required: false,
  default: {
    '@if': {
      exists: { '@path': '$.properties.email' },
      then: { '@path': '$.properties.email' },
      else: { '@path': '$.context.traits.email' },
    },
  },
} as const satisfies FieldDefinition

export const USER_ID_FIELD = {
  label: 'User ID',
  description: 'A user ID that identifies a user profile in Iterable.',
  type: 'string',
  required: false,
  default: { '@path': '$.userId' },
} as const satisfies FieldDefinition

export const USER_DATA_FIELDS = {
  label: 'User Data Fields',
  description: 'Data to store on the user profile.',
  type: 'object',
  required: false,
  default: { '@path': '$.traits' },
} as const satisfies FieldDefinition

export const USER_PHONE_NUMBER_FIELD = {
  label: 'User Phone Number',
  description: 'Must be a valid phone number including country code, e.g. +14158675309',
  type: 'string',
  allowNull: true,
  required: false,
  default: { '@path': '$.traits.phone' },
} as const satisfies FieldDefinition

export const EVENT_DATA_FIELDS = {
  label: 'Event Data Fields',
  description: 'Additional event properties.',
  type: 'object',
  required: false,
  default: { '@path': '$.properties' },
} as const satisfies FieldDefinition

export const CREATED_AT_FIELD = {
  label: 'Timestamp',
  description: 'Time the event took place.',
  type: 'datetime',
  required: false,
  default: { '@path': '$.timestamp' },
} as const satisfies FieldDefinition

export const CAMPAIGN_ID_FIELD = {
  label: 'Campaign ID',
  description: 'Iterable campaign the event can be attributed to.',
  type: 'integer',
  required: false,
  default: { '@path': '$.properties.campaignId' },
} as const satisfies FieldDefinition

export const TEMPLATE_ID_FIELD = {
  label: 'Template ID',
  description: 'Iterable template the event can be attributed to.',
  type: 'integer',
  required: false,
  default: { '@path': '$.properties.templateId' },
} as const satisfies FieldDefinition

export const MERGE_NESTED_OBJECTS_FIELD = {
  label: 'Merge Nested Objects',
  description:
    "Set to true to merge, rather than overwrite, the profile's top-level objects with the values in the request.",
  type: 'boolean',
  required: false,
  default: false,
} as const satisfies FieldDefinition

/** The default `items` mapping: only these 9 product keys are read (reference §3.5). */
export const ITEMS_DEFAULT = {
  '@arrayPath': [
    '$.properties.products',
    {
      id: { '@path': 'product_id' },
      sku: { '@path': 'sku' },
      categories: { '@path': 'category' },
      name: { '@path': 'name' },
      price: { '@path': 'price' },
      quantity: { '@path': 'quantity' },
      url: { '@path': 'url' },
      imageUrl: { '@path': 'image_url' },
      description: { '@path': 'description' },
    },
  ],
} as const

export const ITEMS_FIELD = {
  label: 'Cart items',
  description:
    'Each item must contain `id`, `name`, `price`, and `quantity`. Extra values are added to dataFields.',
  type: 'object',
  multiple: true,
  required: true,
  additionalProperties: true,
  default: ITEMS_DEFAULT,
  properties: {
    id: {
      label: 'Product Id',
      description: 'Unique identifier of the commerce item.',
      type: 'string',
      required: true,
    },
    name: {
      label: 'Product Name',
      description: 'Name or title of the commerce item.',
      type: 'string',
      required: true,
    },
    sku: { label: 'Product SKU', description: 'Stock keeping unit of the commerce item.', type: 'string' },
    quantity: {
      label: 'Quantity',
      description: 'Quantity of the item in the cart.',
      type: 'integer',
      required: true,
    },
    price: { label: 'Price', description: 'Unit price of the item.', type: 'number', required: true },
    description: {
      label: 'Product Description',
      description: 'Short description of the item.',
      type: 'string',
    },
    categories: {
      label: 'Product Category',
      description: 'Category name or label of the item.',
      type: 'string',
    },
    url: { label: 'Product URL', description: 'URL of the product page.', type: 'string' },
    imageUrl: { label: 'Product Image URL', description: 'URL of the product image.', type: 'string' },
  },
} as const satisfies FieldDefinition

/** The `user` object of updateCart/trackPurchase: its object-level default reads `context.traits` (§3.3). */
export const CART_USER_DEFAULT = {
  email: EMAIL_FIELD.default,
  userId: { '@path': '$.userId' },
  dataFields: { '@path': '$.context.traits' },
  phoneNumber: { '@path': '$.context.traits.phone' },
  mergeNestedObjects: false,
} as const

/** D11: Iterable's documented bulk maximum. */
export const MAX_BATCH_SIZE = 1000

export const ENABLE_BATCHING_FIELD = {
  label: 'Enable Batching',
  description: `When enabled, data is sent to Iterable in batches of up to ${MAX_BATCH_SIZE}`,
  type: 'boolean',
  required: false,
  default: true,
} as const satisfies FieldDefinition

export const BATCH_SIZE_FIELD = {
  label: 'Batch Size',
  description: 'Maximum number of events to include in each batch. Actual batch sizes may be lower.',
  type: 'number',
  required: false,
  unsafe_hidden: true,
  minimum: 1,
  maximum: MAX_BATCH_SIZE,
  default: MAX_BATCH_SIZE,
} as const satisfies FieldDefinition
