import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import type * as Library from '../src/index.js'
import { REPO_ROOT } from './helpers/shared.js'

describe('package', () => {
  it('the built CLI runs with plain node and prints the package version', async () => {
    const out = execFileSync('node', [path.join(REPO_ROOT, 'dist/cli/index.js'), '--version'], {
      encoding: 'utf8',
    })
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string }
    expect(out.trim()).toBe(pkg.version)
  })

  it('the built entry imports without a loader', async () => {
    const mod = (await import(path.join(REPO_ROOT, 'dist/index.js'))) as { VERSION: string }
    expect(mod.VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('the built entry exports the stable library API and routing, which work together', async () => {
    const lib = (await import(path.join(REPO_ROOT, 'dist/index.js'))) as typeof Library
    expect(typeof lib.compileTrigger).toBe('function')
    expect(typeof lib.compileMapping).toBe('function')
    expect(lib.iterableDestination.actions.trackEvent.key).toBe('trackEvent')
    const event = {
      type: 'track',
      event: 'Signed Up',
      userId: 'u1',
      messageId: 'm1',
      receivedAt: '2024-01-02T03:04:05.678Z',
    }
    const preview = lib.previewEvent(undefined, event)
    expect(preview.results.map((r) => r.mapping)).toEqual(['Track Calls'])
    const routing = lib.Routing.compile({
      destinations: [
        {
          id: 'd',
          name: 'iterable',
          settings: {},
          receives: true,
          mappings: [
            {
              id: 'm',
              name: 'Track Calls',
              enabled: true,
              trigger: 'type = "track"',
              action: 'trackEvent',
              fields: { userId: { '@path': '$.userId' }, eventName: { '@path': '$.event' } },
              batching: { enabled: false },
            },
          ],
        },
      ],
    })
    const [routed] = routing.route(event, { receivedAt: Date.parse(event.receivedAt) })
    expect(routed.items.map((i) => [i.path, i.body.eventName, i.keys])).toEqual([
      ['/api/events/track', 'Signed Up', ['u:u1']],
    ])
    const requests = preview.results.flatMap((r) => ('requests' in r ? r.requests : []))
    expect(requests.map((r) => (r.body as { eventName: string }).eventName)).toEqual(['Signed Up'])
  })
})
