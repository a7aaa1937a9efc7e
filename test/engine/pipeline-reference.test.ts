// The subscription pipeline against the reference sample: each of its 20 events goes through the
// preset's trigger, mapping and the Iterable action's fields. Where the reference failed with an
// AggregateAjvError, the message must be identical; elsewhere field validation must pass (the other
// reference errors, "Must include email or userId.", come from the action itself, not the fields).
// Also a speed check: mapping + validation against JSON.parse + JSON.stringify of the same events.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileSubscription } from '../../src/engine/action.js'
import { actions, AUTOMATIC_PRESETS } from '../../src/iterable/index.js'
import { readSharedNdjson, SHARED_DIR } from '../helpers/shared.js'

interface SampleLine {
  index: number
  preset: string
  partnerAction: keyof typeof actions
  event: Record<string, unknown>
  error?: string
  errorName?: string
}

const sample = readSharedNdjson<SampleLine>('conformance/reference-sample.ndjson')

function subscriptionFor(line: SampleLine) {
  const preset = AUTOMATIC_PRESETS.find((p) => p.name === line.preset)
  if (!preset) throw new Error(`no preset named ${line.preset}`)
  return compileSubscription({
    trigger: preset.subscribe,
    mapping: preset.mapping,
    fields: actions[line.partnerAction].fields,
  })
}

describe('reference sample through trigger + mapping + fields', () => {
  it('has the 20 events of the four automatic presets', () => {
    expect(sample).toHaveLength(20)
  })

  it.each(sample.map((line) => [line.index, line.partnerAction, line] as const))(
    'event %i (%s)',
    (_index, _action, line) => {
      const subscription = subscriptionFor(line)
      const before = structuredClone(line.event)
      expect(subscription.matches(line.event)).toBe(true)
      const result = subscription.payload(line.event, 'single')
      if (line.errorName === 'AggregateAjvError') {
        expect(result).toMatchObject({ ok: false, reason: 'validation', message: line.error })
      } else {
        expect(result.ok).toBe(true)
      }
      expect(line.event).toEqual(before)
    },
  )
})

describe('generated corpus through every automatic preset', () => {
  it('validates 2000 events in both modes without ever modifying one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fields-corpus-'))
    try {
      const out = path.join(dir, 'corpus.ndjson')
      execFileSync(process.execPath, [
        path.join(SHARED_DIR, 'corpus/gen-corpus.mjs'),
        '--n',
        '2000',
        '--seed',
        '7',
        '--out',
        out,
      ])
      const raws = readFileSync(out, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
      const subscriptions = AUTOMATIC_PRESETS.map((preset) =>
        compileSubscription({
          trigger: preset.subscribe,
          mapping: preset.mapping,
          fields: actions[preset.partnerAction].fields,
        }),
      )
      const outcomes = new Map<string, number>()
      for (const raw of raws) {
        const event = JSON.parse(raw) as Record<string, unknown>
        const matching = subscriptions.filter((s) => s.matches(event))
        expect(matching).toHaveLength(1)
        for (const mode of ['single', 'batch'] as const) {
          const result = matching[0].payload(event, mode)
          const key = result.ok ? 'ok' : result.message
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
          if (result.ok) expect(JSON.parse(JSON.stringify(result.payload))).toEqual(result.payload)
        }
        expect(JSON.stringify(event)).toBe(raw)
      }
      if (process.env.SHOW_OUTCOMES) console.log(outcomes)
      // Mostly valid, with the corpus's deliberate field errors among the failures.
      expect(outcomes.get('ok')).toBeGreaterThan(raws.length * 1.8)
      expect(outcomes.size).toBeGreaterThan(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('speed', () => {
  it('mapping + validation cost less than twice JSON.parse(raw) + JSON.stringify(payload)', () => {
    const lines = sample.filter((line) => line.partnerAction === 'trackEvent' && !line.error)
    const subscription = subscriptionFor(lines[0])
    const raws = lines.map((line) => JSON.stringify(line.event))
    const events = lines.map((line) => line.event)
    const payloads = events.map((event) => {
      const result = subscription.payload(event, 'single')
      if (!result.ok) throw new Error(result.message)
      return result.payload
    })
    const rounds = 2000
    const measure = (fn: (i: number) => unknown): number => {
      let sink: unknown
      for (let r = 0; r < rounds / 4; r++) for (let i = 0; i < raws.length; i++) sink = fn(i) // warm-up
      const start = process.hrtime.bigint()
      for (let r = 0; r < rounds; r++) for (let i = 0; i < raws.length; i++) sink = fn(i)
      void sink
      return Number(process.hrtime.bigint() - start) / (rounds * raws.length)
    }
    // Best of three, interleaved, so a noisy neighbour does not decide the outcome.
    let json = Infinity
    let pipeline = Infinity
    for (let attempt = 0; attempt < 3; attempt++) {
      json = Math.min(
        json,
        measure((i) => [JSON.parse(raws[i]), JSON.stringify(payloads[i])]),
      )
      pipeline = Math.min(
        pipeline,
        measure((i) => subscription.payload(events[i], 'single')),
      )
    }
    if (process.env.SHOW_SPEED)
      console.log(
        `pipeline ${(pipeline / 1000).toFixed(2)} µs, json ${(json / 1000).toFixed(2)} µs per event`,
      )
    expect(pipeline).toBeLessThan(2 * json)
  })
})
