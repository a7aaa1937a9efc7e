import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/errors.js'
import { defaultConfig, loadConfig, parseConfig } from '../../src/config/load.js'

const dir = mkdtempSync(path.join(tmpdir(), 'iterable-config-'))
let counter = 0
function write(text: string, ext = 'yaml'): string {
  const file = path.join(dir, `config-${++counter}.${ext}`)
  writeFileSync(file, text)
  return file
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

const mapping = (i: number) => ({
  name: `m${i}`,
  trigger: 'type = "track"',
  action: 'trackEvent',
  fields: { eventName: { '@path': '$.event' } },
})

describe('default configuration', () => {
  it('one destination, united_states, the four automatic presets with batching on (size 1000, D11)', () => {
    const config = defaultConfig()
    expect(config.destinations).toHaveLength(1)
    const [destination] = config.destinations
    expect(destination.settings.dataCenterLocation).toBe('united_states')
    expect(destination.compiled.map((m) => [m.name, m.action.key, m.batching])).toEqual([
      ['Track Calls', 'trackEvent', { enabled: true, size: 1000 }],
      ['Identify Calls', 'updateUser', { enabled: true, size: 1000 }],
      ['Update Cart Calls', 'updateCart', { enabled: false, size: 1000 }],
      ['Order Completed Calls', 'trackPurchase', { enabled: false, size: 1000 }],
    ])
    expect(config.warnings).toEqual([])
  })
})

describe('loadConfig', () => {
  it('reads YAML with ${ENV} secrets, presets and batching', () => {
    const file = write(`
sources:
  - name: web
    writeKey: \${WRITE_KEY}
destinations:
  - name: iterable-eu
    settings:
      apiKey: \${ITERABLE_KEY}
      dataCenterLocation: europe
      projectType: hybrid
    mappings:
      - name: Signed Up
        trigger: type = "track" and event = "Signed Up"
        action: trackEvent
        fields:
          userId: { "@path": "$.userId" }
          eventName: { "@path": "$.event" }
        batching: { enabled: true, size: 200 }
      - name: Identify
        preset: Identify Calls
`)
    const config = loadConfig(file, { env: { WRITE_KEY: 'wk', ITERABLE_KEY: 'secret-key' } })
    expect(config.sources).toEqual([{ name: 'web', writeKey: 'wk' }])
    const [destination] = config.destinations
    expect(destination.settings).toEqual({
      apiKey: 'secret-key',
      dataCenterLocation: 'europe',
      projectType: 'hybrid',
    })
    expect(destination.compiled[0].batching).toEqual({ enabled: true, size: 200 })
    expect(destination.mappings[1].trigger).toBe('type = "identify"')
    expect(destination.mappings[1].action).toBe('updateUser')
  })

  it('reads JSON', () => {
    const file = write(
      JSON.stringify({ destinations: [{ name: 'd', settings: { apiKey: 'k' }, mappings: [mapping(1)] }] }),
      'json',
    )
    expect(loadConfig(file).destinations[0].compiled[0].name).toBe('m1')
  })

  it('an unset ${ENV} names the file, the path and the variable, never a value', () => {
    const file = write('destinations:\n  - name: d\n    settings:\n      apiKey: ${NOPE_NOT_SET}\n')
    const error = configError(() => loadConfig(file, { env: {} }))
    expect(error.message).toBe(
      `${file}: destinations[0].settings.apiKey: environment variable NOPE_NOT_SET is not set`,
    )
    expect(error.code).toBe('MISSING_ENV')
    // preview needs no secrets
    expect(loadConfig(file, { env: {}, preview: true }).destinations).toHaveLength(1)
  })

  it('D10: an unknown region is rejected at load time', () => {
    const file = write('destinations:\n  - name: d\n    settings: { apiKey: k, dataCenterLocation: asia }\n')
    expect(configError(() => loadConfig(file)).message).toBe(
      `${file}: destinations[0].settings.dataCenterLocation: Data Center Location must be one of: "united_states" or "europe".`,
    )
  })

  it('a trigger syntax error names the mapping path and the position', () => {
    const file = write(`destinations:
  - name: d
    settings: { apiKey: k }
    mappings:
      - { name: ok, trigger: 'type = "track"', action: trackEvent, fields: { eventName: x } }
      - { name: bad, trigger: 'type = "track" AND event = "x"', action: trackEvent, fields: { eventName: x } }
`)
    const error = configError(() => loadConfig(file))
    expect(error.path).toBe('destinations[0].mappings[1].trigger')
    expect(error.message).toMatch(/^.*: destinations\[0\]\.mappings\[1\]\.trigger: .*column \d+/)
    expect(error.code).toBe('TRIGGER_SYNTAX')
  })

  it('mapping validation messages name the mapping path', () => {
    const file = write(`destinations:
  - name: d
    settings: { apiKey: k }
    mappings:
      - name: bad
        trigger: type = "track"
        action: trackEvent
        fields:
          userId: { "@path": 5 }
`)
    const error = configError(() => loadConfig(file))
    expect(error.path).toBe('destinations[0].mappings[0].fields')
    expect(error.code).toBe('MAPPING_INVALID')
  })

  it('schema errors: unknown action, unknown key, wrong type', () => {
    const bad = (value: unknown) => configError(() => parseConfig(value, 'c.yaml'))
    expect(bad({ destinations: [{ name: 'd', mappings: [{ ...mapping(0), action: 'nope' }] }] }).path).toBe(
      'destinations[0].mappings[0].action',
    )
    expect(bad({ destinations: [{ name: 'd', colour: 'red' }] }).message).toBe(
      'c.yaml: destinations[0].colour: unknown key (Unexpected property)',
    )
    expect(bad({ destinations: [{ name: 'd', enabled: 'yes' }] }).path).toBe('destinations[0].enabled')
  })

  it('YAML syntax errors and unreadable files name the file', () => {
    const file = write('destinations: [\n')
    expect(configError(() => loadConfig(file)).message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid YAML`),
    )
    expect(configError(() => loadConfig(path.join(dir, 'missing.yaml'))).code).toBe('CONFIG_UNREADABLE')
  })

  it('at most 50 mappings per destination, with a clear error', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => mapping(i))
    expect(
      parseConfig({ destinations: [{ name: 'd', settings: { apiKey: 'k' }, mappings: fifty }] }, 'c')
        .destinations[0].compiled,
    ).toHaveLength(50)
    const error = configError(() =>
      parseConfig(
        { destinations: [{ name: 'd', settings: { apiKey: 'k' }, mappings: [...fifty, mapping(50)] }] },
        'c.yaml',
      ),
    )
    expect(error.message).toBe(
      'c.yaml: destinations[0].mappings: a destination can have at most 50 mappings; this one has 51',
    )
    expect(error.code).toBe('TOO_MANY_MAPPINGS')
  })

  it('a mapping without a field its action requires is refused, naming the field (as the reference on save)', () => {
    const error = configError(() =>
      parseConfig(
        {
          destinations: [
            { name: 'd', settings: { apiKey: 'k' }, mappings: [mapping(1), { ...mapping(2), fields: {} }] },
          ],
        },
        'c',
      ),
    )
    expect(error.code).toBe('FIELD_REQUIRED')
    expect(error.message).toBe(
      'c: destinations[0].mappings[1].fields.eventName: Custom Event requires the field "eventName" (Event name); map it (its default: {"@path":"$.event"}).',
    )
    const purchase = configError(() =>
      parseConfig(
        {
          destinations: [
            {
              name: 'd',
              settings: { apiKey: 'k' },
              mappings: [{ name: 'p', preset: 'Order Completed Calls', fields: { total: null } }],
            },
          ],
        },
        'c',
      ),
    )
    expect(purchase.path).toBe('destinations[0].mappings[0].fields.total')
  })

  it('duplicate mapping names are refused', () => {
    const error = configError(() =>
      parseConfig(
        { destinations: [{ name: 'd', settings: { apiKey: 'k' }, mappings: [mapping(1), mapping(1)] }] },
        'c',
      ),
    )
    expect(error.path).toBe('destinations[0].mappings[1].name')
  })

  it('D11: the reference batch_size 1001 inside fields is clamped to 1000 with a warning; D1 keeps it out of bodies', () => {
    const config = parseConfig(
      {
        destinations: [
          {
            name: 'd',
            settings: { apiKey: 'k' },
            mappings: [
              { ...mapping(1), fields: { ...mapping(1).fields, enable_batching: true, batch_size: 1001 } },
            ],
          },
        ],
      },
      'c.yaml',
    )
    expect(config.destinations[0].compiled[0].batching).toEqual({ enabled: true, size: 1000 })
    expect(config.warnings).toEqual([
      "c.yaml: destinations[0].mappings[0]: Batch size 1001 is above Iterable's maximum of 1000; 1000 is used.",
    ])
    const bad = configError(() =>
      parseConfig(
        {
          destinations: [
            {
              name: 'd',
              settings: { apiKey: 'k' },
              mappings: [{ ...mapping(1), fields: { batch_size: 0 } }],
            },
          ],
        },
        'c',
      ),
    )
    expect(bad.path).toBe('destinations[0].mappings[0].fields.batch_size')
  })

  it('batching on an action without a bulk endpoint is turned off with a warning', () => {
    const config = parseConfig(
      {
        destinations: [
          {
            name: 'd',
            settings: { apiKey: 'k' },
            mappings: [{ name: 'cart', preset: 'Update Cart Calls', batching: { enabled: true } }],
          },
        ],
      },
      'c',
    )
    expect(config.destinations[0].compiled[0].batching.enabled).toBe(false)
    expect(config.warnings[0]).toMatch(/no bulk endpoint/)
  })

  it('an enabled destination needs an API key outside preview', () => {
    const error = configError(() => parseConfig({ destinations: [{ name: 'd' }] }, 'c'))
    expect(error.path).toBe('destinations[0].settings.apiKey')
    expect(parseConfig({ destinations: [{ name: 'd', enabled: false }] }, 'c').destinations[0].enabled).toBe(
      false,
    )
  })
})
