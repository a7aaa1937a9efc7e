// Issue 15 item 17: `serve` and `sandbox` take a data centre in either spelling, in any case —
// Iterable's names (US, EU) and the setting's values (united_states, europe) — and refuse anything
// else naming both.
import { describe, expect, it } from 'vitest'
import { optionsFromFlags, UsageError } from '../../src/cli/serve.js'
import { parseDataCenterLocation } from '../../src/iterable/regions.js'
import { parseDataCenter } from '../../src/sandbox/options.js'
import { checkOptions } from '../../src/cli/serve/options.js'

const SPELLINGS = [
  ['US', 'united_states', 'US'],
  ['us', 'united_states', 'US'],
  ['united_states', 'united_states', 'US'],
  ['UNITED_STATES', 'united_states', 'US'],
  ['EU', 'europe', 'EU'],
  ['eu', 'europe', 'EU'],
  ['europe', 'europe', 'EU'],
  ['Europe', 'europe', 'EU'],
] as const

describe('data centre spellings', () => {
  it.each(SPELLINGS)('%s is %s for serve and %s for the sandbox', (given, setting, sandbox) => {
    expect(parseDataCenterLocation(given)).toBe(setting)
    expect(optionsFromFlags({ dataCenter: given }, {}).dataCenter).toBe(setting)
    expect(optionsFromFlags({}, { ITERABLE_DATA_CENTER: given }).dataCenter).toBe(setting)
    // `sandbox --data-center` and a projects file's dataCenter are read by this one function.
    expect(parseDataCenter(given)).toBe(sandbox)
  })

  it('refuses another name in both, saying which names it takes', () => {
    expect(parseDataCenterLocation('asia')).toBeUndefined()
    expect(() => checkOptions(optionsFromFlags({ dataCenter: 'asia' }, {}))).toThrow(UsageError)
    expect(() => checkOptions(optionsFromFlags({ dataCenter: 'asia' }, {}))).toThrow(
      /united_states \(US\) or europe \(EU\)/,
    )
    expect(() => parseDataCenter('asia')).toThrow(/use US or EU \(or united_states, europe\)/)
  })
})
