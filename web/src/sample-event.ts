// Built-in sample Segment events, one per type, for the path picker and the preview when no stored
// event matches the mapping's trigger; the one of the trigger's type is chosen; and the paths a sample offers.
const CONTEXT = {
  traits: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+14155550100' },
  ip: '203.0.113.7',
  locale: 'en-US',
}
const COMMON = {
  messageId: 'sample-message-1',
  userId: 'user-123',
  anonymousId: 'anon-456',
  timestamp: '2026-01-15T10:30:00.000Z',
  context: CONTEXT,
}

export const SAMPLE_EVENT = {
  type: 'track',
  event: 'Product Viewed',
  ...COMMON,
  properties: {
    product_id: 'sku-42',
    name: 'Blue Sneakers',
    price: 79.99,
    currency: 'USD',
    category: 'Shoes',
  },
}

const ORDER_PROPERTIES = {
  order_id: 'order-1001',
  total: 159.98,
  revenue: 149.98,
  currency: 'USD',
  products: [{ product_id: 'sku-42', name: 'Blue Sneakers', price: 79.99, quantity: 2, category: 'Shoes' }],
}

/** What a mobile library adds: the device (with its push token) and the app (Device Token Calls). */
const MOBILE_CONTEXT = {
  ...CONTEXT,
  device: {
    id: 'device-789',
    type: 'ios',
    manufacturer: 'Apple',
    model: 'iPhone15,2',
    token: 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449',
  },
  app: { name: 'Example', namespace: 'com.example.app', version: '2.4.0', build: '240' },
  os: { name: 'iOS', version: '18.1' },
}

const SAMPLES_BY_TYPE: Record<string, Record<string, unknown>> = {
  track: SAMPLE_EVENT,
  identify: {
    type: 'identify',
    ...COMMON,
    context: MOBILE_CONTEXT,
    traits: { ...CONTEXT.traits, plan: 'pro', createdAt: '2025-11-02T08:00:00.000Z' },
  },
  page: {
    type: 'page',
    name: 'Pricing',
    ...COMMON,
    properties: { path: '/pricing', url: 'https://example.com/pricing' },
  },
  screen: { type: 'screen', name: 'Checkout', ...COMMON, context: MOBILE_CONTEXT, properties: { step: 2 } },
  group: {
    type: 'group',
    groupId: 'company-7',
    ...COMMON,
    traits: { name: 'Example Inc', plan: 'enterprise' },
  },
  alias: { type: 'alias', previousId: 'anon-456', ...COMMON },
}

/** Events whose reference sample carries order properties (cart and purchase actions). */
const ORDER_EVENTS = /order|cart|checkout|purchase|product/i

/**
 * The built-in sample of the type the trigger names (`type = "identify"`), with its event name for
 * a track trigger naming one (`event = "Order Completed"`); the track sample otherwise.
 */
export function builtInSample(trigger: string): Record<string, unknown> {
  const type = /\btype\s*=\s*"(\w+)"/.exec(trigger)?.[1] ?? 'track'
  const sample = SAMPLES_BY_TYPE[type] ?? SAMPLE_EVENT
  const event = /\bevent\s*=\s*"([^"]+)"/.exec(trigger)?.[1]
  if (sample.type !== 'track' || event === undefined) return sample
  return { ...sample, event, ...(ORDER_EVENTS.test(event) ? { properties: ORDER_PROPERTIES } : {}) }
}

/** Every JSONPath (`$.a.b`) in a sample event, objects and arrays included, in document order. */
export function pathsOf(value: unknown, prefix = '$', out: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return out
  for (const [key, child] of Object.entries(value)) {
    const path = Array.isArray(value)
      ? `${prefix}[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${prefix}.${key}`
        : `${prefix}['${key}']`
    out.push(path)
    pathsOf(child, path, out)
  }
  return out
}
