// The built CLI (`npm test` builds first): node dist/cli/index.js preview …
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, readSharedNdjson } from '../helpers/shared.js'

const CLI = path.join(REPO_ROOT, 'dist/cli/index.js')
const dir = mkdtempSync(path.join(tmpdir(), 'iterable-preview-cli-'))

function preview(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, 'preview', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  })
  const lines = result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>)
  return { status: result.status, lines, stderr: result.stderr }
}

interface SampleCase {
  event: Record<string, unknown>
  error?: string
  requests?: Array<{ url: string }>
}
const sample = readSharedNdjson<SampleCase>('conformance/reference-sample.ndjson')
const sampleText = sample.map((c) => JSON.stringify(c.event)).join('\n') + '\n'

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`)
})

describe('iterable-actions preview', { timeout: 60_000 }, () => {
  it('stdin: one line per event, in input order, exit 0', () => {
    const { status, lines } = preview([], sampleText)
    expect(status).toBe(0)
    expect(lines.map((l) => l.messageId)).toEqual(sample.map((c) => c.event.messageId))
    lines.forEach((line, i) => {
      const expected = sample[i]
      if (expected.error) expect(line.results[0].error.message).toBe(expected.error)
      else
        expect(line.results[0].requests.map((r: { url: string }) => r.url)).toEqual(
          expected.requests?.map((r) => r.url),
        )
    })
  })

  it('file argument gives the same output as stdin', () => {
    const file = path.join(dir, 'events.ndjson')
    writeFileSync(file, sampleText)
    const fromFile = preview([file])
    expect(fromFile.status).toBe(0)
    expect(fromFile.lines).toEqual(preview([], sampleText).lines.map((l) => l))
  })

  it('a bad JSON line gets {"line": N, "error"} and the run goes on', () => {
    const input = `${JSON.stringify(sample[0].event)}\n{oops\n${JSON.stringify(sample[5].event)}\n`
    const { status, lines } = preview([], input)
    expect(status).toBe(0)
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'INVALID_JSON' } })
    expect(lines[2].messageId).toBe(sample[5].event.messageId)
  })

  it('--batch: bulk lines with messageIds, single-shaped lines for the rest', () => {
    const { status, lines } = preview(['--batch'], sampleText)
    expect(status).toBe(0)
    const bulks = lines.filter((l) => 'request' in l)
    expect(bulks.map((b) => b.request.url).sort()).toEqual([
      'https://api.iterable.com/api/events/trackBulk',
      'https://api.iterable.com/api/users/bulkUpdate',
    ])
    const trackBulk = bulks.find((b) => b.action === 'trackEvent')
    expect(trackBulk?.messageIds).toEqual(
      sample
        .filter(
          (c) =>
            c.event.type === 'track' && !c.error && (c.requests?.[0].url ?? '').endsWith('/events/track'),
        )
        .map((c) => c.event.messageId),
    )
    // Rejected events keep the single-mode error shape.
    const rejected = lines.filter((l) => l.results?.[0]?.error)
    expect(rejected).toHaveLength(sample.filter((c) => c.error).length)
  })

  it('--config with YAML; a broken config exits 2 naming the file and path', () => {
    const good = path.join(dir, 'good.yaml')
    writeFileSync(
      good,
      'destinations:\n  - name: eu\n    settings: { apiKey: "${UNSET_PREVIEW_KEY}", dataCenterLocation: europe }\n',
    )
    const ok = preview(['--config', good], JSON.stringify(sample[0].event) + '\n')
    expect(ok.status).toBe(0)
    expect(ok.lines[0].results[0].requests[0].url).toBe('https://api.eu.iterable.com/api/events/track')
    const bad = path.join(dir, 'bad.yaml')
    writeFileSync(bad, 'destinations:\n  - name: x\n    settings: { dataCenterLocation: asia }\n')
    const failed = preview(['--config', bad], '')
    expect(failed.status).toBe(2)
    expect(failed.stderr).toContain(`${bad}: destinations[0].settings.dataCenterLocation:`)
  })

  it('a missing input file exits 1 with a message', () => {
    const { status, stderr } = preview([path.join(dir, 'nope.ndjson')])
    expect(status).toBe(1)
    expect(stderr).toMatch(/cannot read/)
  })
})
