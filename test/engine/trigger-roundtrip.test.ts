// Property tests over generated triggers: canonical text round-trips, and compiled closures
// agree with a plain AST interpreter written from the reference's rules (§2.5).

import { describe, expect, it } from 'vitest'
import {
  TOP_LEVEL_FIELDS,
  compileTrigger,
  formatTrigger,
  parseTrigger,
  type TriggerNode,
} from '../../src/engine/trigger/index.js'
import { readSharedJson } from '../helpers/shared.js'

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const random = rng(20251128)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
const chance = (p: number): boolean => random() < p

const WORDS = [
  'a',
  'b',
  'track',
  'Order Completed',
  'x y',
  "it's",
  'say "hi"',
  '',
  '1',
  '10',
  'Café',
  '(p)',
  'a,b',
]
const KEYS = ['a', 'b', 'n', 'arr', 'nested', 'Café', 'product 1']
const ROOTS = ['properties', 'traits', 'context', 'integrations']
const TOP = [
  'type',
  'event',
  'name',
  ...TOP_LEVEL_FIELDS.filter((f) => f !== 'type' && f !== 'event' && f !== 'name'),
]
const space = (): string => pick(['', ' ', ' ', '  ', '\t', '\n', '\r\n'])
const gap = (): string => pick([' ', ' ', '\n', '\t', '\r\n'])

function quoted(text: string): string {
  if (text.includes('"')) return `'${text}'`
  if (text.includes("'")) return `"${text}"`
  return chance(0.5) ? `"${text}"` : `'${text}'`
}

function fieldText(): string {
  if (chance(0.4)) return pick(TOP)
  const segments = [pick(KEYS), ...(chance(0.4) ? [pick(['0', '1', 'a', 'b'])] : [])]
  let path = ''
  for (const s of segments) {
    const escaped = s.replace(/ /g, '\\ ')
    path += /^\d+$/.test(s) && chance(0.5) ? `[${s}]` : `.${escaped}`
  }
  return pick(ROOTS) + path
}

function valueText(comparison: boolean): string {
  if (comparison)
    return chance(0.8) ? pick(['0', '1', '-1', '2.5', '10', '1e2']) : `"${pick(['1', '10', '-2'])}"`
  return pick([
    () => quoted(pick(WORDS)),
    () => pick(['0', '1', '-3', '2.5']),
    () => pick(['true', 'false', 'null']),
  ])()
}

function condition(): string {
  const op = pick(['=', '==', '!=', '<', '<=', '>', '>='])
  const comparison = op !== '=' && op !== '==' && op !== '!='
  return `${fieldText()}${space()}${op}${space()}${valueText(comparison)}`
}

function functionCall(): string {
  const fn = pick(['contains', 'match'])
  const arg =
    fn === 'contains'
      ? chance(0.8)
        ? quoted(pick(WORDS))
        : pick(['1', '5'])
      : quoted(pick(['a*', '*a', 'tr*', '*ed', 'abc', '*b*', '*', 'Order*']))
  return `${chance(0.3) ? '!' : ''}${fn}(${space()}${fieldText()}${space()},${space()}${arg}${space()})`
}

function term(depth: number): string {
  const r = random()
  if (r < 0.15 && depth < 4) return `${pick(['not' + gap(), '!', '! '])}${term(depth + 1)}`
  if (r < 0.3 && depth < 4) return `(${space()}${expression(depth + 1)}${space()})`
  if (r < 0.5) return functionCall()
  return condition()
}

function expression(depth: number): string {
  let text = term(depth)
  const n = Math.floor(random() * (depth === 0 ? 4 : 3))
  for (let i = 0; i < n; i++) text += `${gap()}${pick(['and', 'or'])}${gap()}${term(depth)}`
  return text
}

// ---- a plain interpreter of the AST, written from §2.5 independently of compile.ts ----
function lookup(root: unknown, name: string): unknown {
  let value = root
  for (const key of name.split(/[.[\]]/).filter((k) => k !== '')) {
    if (!value) return value
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function interpret(node: TriggerNode, event: Record<string, unknown>): boolean {
  if (node.type === 'group') {
    return node.operator === 'and'
      ? node.children.every((c) => interpret(c, event))
      : node.children.some((c) => interpret(c, event))
  }
  if (node.type === 'not') return !interpret(node.child, event)
  const actual =
    'name' in node
      ? lookup(
          event[
            {
              'event-property': 'properties',
              'event-trait': 'traits',
              'event-context': 'context',
              'event-integration': 'integrations',
            }[node.type]
          ],
          node.name,
        )
      : event[node.type === 'event-type' ? 'type' : node.type]
  const e = node.value
  const str = typeof actual === 'string'
  const num = typeof actual === 'number'
  switch (node.operator) {
    case '=':
      return actual === String(e)
    case '!=':
      return actual !== String(e)
    case 'number_equals':
      return num && actual === Number(e)
    case 'number_not_equals':
      return num && actual !== Number(e)
    case '<':
      return num && actual < Number(e)
    case '<=':
      return num && actual <= Number(e)
    case '>':
      return num && actual > Number(e)
    case '>=':
      return num && actual >= Number(e)
    case 'contains':
      return str && actual.includes(String(e))
    case 'not_contains':
      return str && !actual.includes(String(e))
    case 'starts_with':
      return str && actual.startsWith(String(e))
    case 'not_starts_with':
      return str && !actual.startsWith(String(e))
    case 'ends_with':
      return str && actual.endsWith(String(e))
    case 'not_ends_with':
      return str && !actual.endsWith(String(e))
    case 'exists':
      return actual !== undefined && actual !== null
    case 'not_exists':
      return actual === undefined || actual === null
    case 'is_true':
      return actual === true
    case 'is_false':
      return actual === false
  }
}

function randomValue(depth: number): unknown {
  const r = random()
  if (r < 0.3) return pick(WORDS)
  if (r < 0.5) return pick([0, 1, -1, 2.5, 10, 100, 5])
  if (r < 0.6) return pick([true, false, null])
  if (r < 0.7 || depth > 2) return undefined
  if (r < 0.85) return [randomValue(depth + 1), randomValue(depth + 1)]
  const object: Record<string, unknown> = {}
  for (const key of [...KEYS, '0', '1']) if (chance(0.4)) object[key] = randomValue(depth + 1)
  return object
}

function randomEvent(): Record<string, unknown> {
  const event: Record<string, unknown> = {}
  for (const field of TOP) if (chance(0.5)) event[field] = pick([...WORDS, 1, true, null])
  for (const root of ROOTS) if (chance(0.8)) event[root] = randomValue(0)
  return event
}

/**
 * `properties.x < "10"` keeps the string "10" in the AST, as the reference does; the canonical
 * text writes the number (`< 10`, as generateFql does), which evaluates the same.
 */
function numericComparisons(node: TriggerNode): TriggerNode {
  if (node.type === 'group') return { ...node, children: node.children.map(numericComparisons) }
  if (node.type === 'not') return { ...node, child: numericComparisons(node.child) }
  return ['<', '<=', '>', '>='].includes(node.operator) ? { ...node, value: Number(node.value) } : node
}

const TRIGGERS = Array.from({ length: 1500 }, () => expression(0))
const EVENTS = Array.from({ length: 60 }, randomEvent)

describe('generated triggers', () => {
  it('all compile', () => {
    for (const text of TRIGGERS) expect(() => compileTrigger(text), text).not.toThrow()
  })

  it('canonical text round-trips: format(parse(c)) === c and parse(c) equals parse(text)', () => {
    for (const text of TRIGGERS) {
      const ast = parseTrigger(text)
      const canonical = formatTrigger(ast)
      expect(formatTrigger(parseTrigger(canonical)), text).toBe(canonical)
      expect(numericComparisons(parseTrigger(canonical)), text).toStrictEqual(numericComparisons(ast))
    }
  })

  it('the canonical text matches the same events as the original text', () => {
    for (const text of TRIGGERS.slice(0, 300)) {
      const original = compileTrigger(text)
      const canonical = compileTrigger(original.canonical)
      const differ = EVENTS.filter((event) => canonical(event) !== original(event))
      expect(differ, text).toEqual([])
    }
  })

  it('compiled closures agree with a plain interpreter', () => {
    let matched = 0
    const failures: string[] = []
    for (const text of TRIGGERS) {
      const trigger = compileTrigger(text)
      for (const event of EVENTS) {
        const expected = interpret(trigger.ast, event)
        if (trigger(event) !== expected) failures.push(`${text} on ${JSON.stringify(event)}`)
        if (expected) matched++
      }
    }
    expect(failures.slice(0, 5)).toEqual([])
    // the generator must exercise both outcomes
    expect(matched).toBeGreaterThan(TRIGGERS.length * EVENTS.length * 0.05)
    expect(matched).toBeLessThan(TRIGGERS.length * EVENTS.length * 0.95)
  })
})

describe('every canonical string of the shared vectors round-trips', () => {
  interface Vector {
    id: string
    canonical?: string
    expectedFixed?: { canonical?: string; parseError?: boolean }
    referenceDefect?: string
  }
  const vectors = readSharedJson<Vector[]>('conformance/trigger-vectors.json')
  const canonicals = vectors
    .filter((v) => v.id !== 'G14' && !v.expectedFixed?.parseError)
    .map((v) => (v.referenceDefect ? v.expectedFixed?.canonical : v.canonical))
    .filter((c): c is string => typeof c === 'string')
  it('has canonical strings', () => expect(canonicals.length).toBeGreaterThan(40))
  for (const canonical of canonicals) {
    it(canonical, () => expect(formatTrigger(parseTrigger(canonical))).toBe(canonical))
  }
})
