// A sample Segment event for the path picker and the test pane, and the paths it offers.
export const SAMPLE_EVENT = {
  type: 'track',
  event: 'Product Viewed',
  messageId: 'sample-message-1',
  userId: 'user-123',
  anonymousId: 'anon-456',
  timestamp: '2026-01-15T10:30:00.000Z',
  properties: {
    product_id: 'sku-42',
    name: 'Blue Sneakers',
    price: 79.99,
    currency: 'USD',
    category: 'Shoes',
  },
  context: {
    traits: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+14155550100' },
    ip: '203.0.113.7',
    locale: 'en-US',
  },
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
