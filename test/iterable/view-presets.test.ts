// "Page Calls" and "Screen Calls" (issue 16 item 5): page and screen views as custom events, named as
// RudderStack names them ("<name> Page", "Loaded a Page" when unnamed), not in the default config.
import { describe, expect, it } from 'vitest'
import { defaultConfig, parseConfig } from '../../src/config/load.js'
import { previewEvent } from '../../src/preview/preview-event.js'
import { testEvent } from './helpers.js'

const config = parseConfig(
  {
    destinations: [
      {
        name: 'iterable',
        mappings: [
          { name: 'Page Calls', preset: 'Page Calls' },
          { name: 'Screen Calls', preset: 'Screen Calls' },
        ],
      },
    ],
  },
  'test',
  { preview: true },
)

const view = (type: 'page' | 'screen', extra: Record<string, unknown>) =>
  testEvent({
    type,
    messageId: 'v1',
    userId: 'u1',
    timestamp: '2025-06-01T10:00:00.000Z',
    properties: { url: 'https://example.com/pricing', title: 'Pricing' },
    context: { traits: { email: 'ann@example.com' } },
    ...extra,
  })

describe('Page Calls and Screen Calls', () => {
  it('a named page is the custom event "<name> Page" with its properties', () => {
    const [result] = previewEvent(config, view('page', { name: 'Pricing' })).results as any[]
    expect(result.mapping).toBe('Page Calls')
    expect(result.requests[0].url).toBe('https://api.iterable.com/api/events/track')
    expect(result.requests[0].body).toEqual({
      email: 'ann@example.com',
      userId: 'u1',
      eventName: 'Pricing Page',
      dataFields: { url: 'https://example.com/pricing', title: 'Pricing' },
      id: 'v1',
      createdAt: 1748772000,
    })
  })

  it('an unnamed view is "Loaded a Page" / "Loaded a Screen"; a named screen "<name> Screen"', () => {
    const name = (event: Record<string, unknown>) =>
      (previewEvent(config, event).results as any[])[0].requests[0].body.eventName
    expect(name(view('page', {}))).toBe('Loaded a Page')
    expect(name(view('screen', {}))).toBe('Loaded a Screen')
    expect(name(view('screen', { name: 'Checkout' }))).toBe('Checkout Screen')
  })

  it('neither is in the default configuration: page and screen calls send nothing there', () => {
    expect(previewEvent(defaultConfig(), view('page', { name: 'Pricing' })).results).toEqual([])
    expect(previewEvent(defaultConfig(), view('screen', { name: 'Home' })).results).toEqual([])
  })
})
