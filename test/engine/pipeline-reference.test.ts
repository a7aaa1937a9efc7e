// The subscription pipeline against the reference sample: each of its 20 events goes through the
// preset's trigger, mapping and the Iterable action's fields. Where the reference failed with an
// AggregateAjvError, the message must be identical; elsewhere field validation must pass (the other
// reference errors, "Must include email or userId.", come from the action itself, not the fields).
// (Speed is measured by `npm run bench`, not here.)
import { describe, expect, it } from 'vitest'
import { compileSubscription } from '../../src/engine/action.js'
import { actions, AUTOMATIC_PRESETS } from '../../src/iterable/index.js'
import { generateCorpusLines, readSharedNdjson } from '../helpers/shared.js'

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
    const raws = generateCorpusLines(2000, 7)
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
  })
})
