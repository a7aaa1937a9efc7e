// `apply` is a diff (issue 15, item 1): against the real admin API on a real socket, an unchanged
// export applied back keeps every id (so per-mapping history and dead letters still name their
// mapping); edits update in place; only removed mappings are deleted; matching is by id, else by
// name ignoring case. Also the API key given as an unset `${VAR}` (item 4): the stored key is kept.
import { parse as parseYaml, stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminApiError } from '../../src/cli/admin-client.js'
import { formatApply, runApply } from '../../src/cli/apply.js'
import { runExport } from '../../src/cli/export.js'
import type { ConfigFile } from '../../src/config/index.js'
import type { Store } from '../../src/store/index.js'
import { addDeadLetters } from '../helpers/dead-letters.js'
import { startAdminServer, type AdminServer } from './admin-server.js'

const TOKEN = 'admin-token-for-diff-tests'
const API_KEY = 'apikey_diff_0123456789abcdef'
const env = { ITERABLE_API_KEY: API_KEY, ITERABLE_ACTIONS_WRITE_KEY: 'wk_diff_1' }

let server: AdminServer
let store: Store
let target: { url: string; token: string }

beforeAll(async () => {
  server = await startAdminServer(TOKEN, 'apply-diff-test-')
  store = server.store
  target = { url: server.url, token: TOKEN }
})
afterAll(async () => {
  await server?.close()
})

const file = (name: string, text: string): string => server.file(name, text)

const CONFIG = `
sources:
  - name: web
    writeKey: \${ITERABLE_ACTIONS_WRITE_KEY}
destinations:
  - name: prod
    settings:
      apiKey: \${ITERABLE_API_KEY}
    mappings:
      - name: Track Calls
        preset: Track Calls
      - name: Identify Calls
        preset: Identify Calls
      - name: Signed Up
        trigger: type = "track" and event = "Signed Up"
        action: trackEvent
        fields:
          userId: { "@path": "$.userId" }
          eventName: { "@path": "$.event" }
`

async function prodMappings() {
  const prod = (await store.listDestinations()).find((d) => d.name === 'prod')
  return store.listMappings(prod!.id)
}

describe('apply as a diff', () => {
  it('export → apply unchanged keeps every id, says "no changes", and dead letters still name their mapping', async () => {
    await runApply({ file: file('base.yaml', CONFIG), target, env })
    const before = await prodMappings()
    const prod = (await store.listDestinations()).find((d) => d.name === 'prod')!
    const signedUp = before.find((m) => m.name === 'Signed Up')!
    await addDeadLetters(store, prod.id, [
      { messageId: 'm-1', code: 'HTTP_400', reason: 'refused', mappingId: signedUp.id },
    ])

    const exported = await runExport({ target })
    const parsed = parseYaml(exported.yaml) as ConfigFile
    expect(parsed.destinations?.[0].id).toBe(prod.id)
    expect(parsed.destinations?.[0].mappings?.map((m) => m.id)).toEqual(before.map((m) => m.id))

    const dry = await runApply({ file: file('export.yaml', exported.yaml), target, env, dryRun: true })
    expect(dry.changes).toEqual([])
    const applied = await runApply({ file: file('export.yaml', exported.yaml), target, env })
    expect(applied.changes).toEqual([])
    expect(formatApply(applied, false)).toMatch(/^no changes\n/)
    expect(applied.answer).toMatchObject({ mappingsCreated: 0, mappingsUpdated: 0, mappingsDeleted: 0 })

    const after = await prodMappings()
    expect(after.map((m) => [m.id, m.name, m.updatedAt])).toEqual(
      before.map((m) => [m.id, m.name, m.updatedAt]),
    )
    const letters = await store.listDeadLetters({ mappingId: signedUp.id }, { limit: 10 })
    expect(letters.items.map((l) => l.messageId)).toEqual(['m-1'])
    expect((await store.getMapping(letters.items[0].mappingId!))?.name).toBe('Signed Up')
  })

  it('updates a changed mapping in place, deletes only the removed one, matches names ignoring case', async () => {
    await runApply({ file: file('base.yaml', CONFIG), target, env })
    const before = await prodMappings()
    const edited = CONFIG.replace('name: Signed Up', 'name: signed up')
      .replace('event = "Signed Up"', 'event = "Account Created"')
      .replace('      - name: Identify Calls\n        preset: Identify Calls\n', '')
    const result = await runApply({ file: file('edited.yaml', edited), target, env })
    expect(result.changes).toEqual([
      'destination "prod":',
      '  mapping "signed up" changed: renamed from "Signed Up", trigger',
      '  mapping "Identify Calls" removed',
    ])
    const after = await prodMappings()
    const byName = (name: string) => before.find((m) => m.name === name)!.id
    expect(after.map((m) => [m.id, m.name, m.position])).toEqual([
      [byName('Track Calls'), 'Track Calls', 0],
      [byName('Signed Up'), 'signed up', 1],
    ])
    expect(after[1].trigger).toBe('type = "track" and event = "Account Created"')
  })

  it('matches by id first: a renamed mapping keeps its id, a new one with a taken name is refused in the file', async () => {
    await runApply({ file: file('base.yaml', CONFIG), target, env })
    const exported = parseYaml((await runExport({ target })).yaml) as ConfigFile
    const prod = exported.destinations!.find((d) => d.name === 'prod')!
    const track = prod.mappings!.find((m) => m.name === 'Track Calls')!
    track.name = 'All Track Calls'
    const result = await runApply({ file: file('renamed.yaml', stringify(exported)), target, env })
    expect(result.changes).toEqual([
      'destination "prod":',
      '  mapping "All Track Calls" changed: renamed from "Track Calls"',
    ])
    expect((await store.getMapping(track.id!))?.name).toBe('All Track Calls')

    const clash = CONFIG.replace('name: Identify Calls', 'name: SIGNED UP')
    const error = await runApply({ file: file('clash.yaml', clash), target, env }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(
      /clash\.yaml: destinations\[0\]\.mappings\[2\]\.name: duplicate mapping name "Signed Up" \(clashes with "SIGNED UP": names are compared ignoring case\)/,
    )
  })

  it('keeps the stored API key when the file gives ${VAR} and VAR is unset, and says so (dry run too)', async () => {
    await runApply({ file: file('base.yaml', CONFIG), target, env })
    const prod = (await store.listDestinations()).find((d) => d.name === 'prod')!
    const noKey = { ITERABLE_ACTIONS_WRITE_KEY: env.ITERABLE_ACTIONS_WRITE_KEY }
    const dry = await runApply({ file: file('base.yaml', CONFIG), target, env: noKey, dryRun: true })
    expect(dry.changes).toEqual(['destination "prod":', '  API key kept (ITERABLE_API_KEY is not set)'])
    const applied = await runApply({ file: file('base.yaml', CONFIG), target, env: noKey })
    expect(applied.changes).toEqual(dry.changes)
    expect(await store.getDestinationApiKey(prod.id)).toBe(API_KEY)

    // A new destination has no key to keep: refused by the service, dry run included.
    const other = CONFIG.replace('name: prod', 'name: staging')
    for (const dryRun of [true, false]) {
      const error = await runApply({ file: file('new.yaml', other), target, env: noKey, dryRun }).catch(
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(AdminApiError)
      expect((error as AdminApiError).code).toBe('MISSING_ENV')
      expect((error as AdminApiError).message).toMatch(
        /destinations\[0\]\.settings\.apiKey: environment variable ITERABLE_API_KEY is not set \(destination "staging" is new/,
      )
    }
    expect((await store.listDestinations()).map((d) => d.name)).not.toContain('staging')
  })
})
