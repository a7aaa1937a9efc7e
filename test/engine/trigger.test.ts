// The D8 grammar of the trigger language (docs/triggers.md) and the reference's evaluation
// rules (§2.5), beyond the shared conformance vectors.

import { describe, expect, it } from 'vitest'
import {
  TOP_LEVEL_FIELDS,
  compileTrigger,
  compileTriggerAst,
  formatTrigger,
  parseTrigger,
  parseTriggerWithWarnings,
  type TriggerNode,
} from '../../src/engine/trigger/index.js'

type Case = [text: string, event: unknown, matches: boolean]

function check(cases: Case[]): void {
  for (const [text, event, matches] of cases) {
    it(`${JSON.stringify(text)} on ${JSON.stringify(event)} → ${String(matches)}`, () => {
      expect(compileTrigger(text)(event)).toBe(matches)
    })
  }
}

const track = { type: 'track', event: 'Order Completed', properties: { total: 30, tags: ['a', 'b'] } }

describe('precedence: not > and > or', () => {
  check([
    ['type = "track" or type = "page" and event = "X"', { type: 'track' }, true],
    ['type = "page" and event = "X" or type = "track"', { type: 'track' }, true],
    ['type = "a" or type = "b" and event = "X"', { type: 'b', event: 'Y' }, false],
    ['type = "a" or type = "b" and event = "X"', { type: 'b', event: 'X' }, true],
    ['not type = "a" and event = "X"', { type: 'b', event: 'X' }, true],
    ['not type = "a" and event = "X"', { type: 'a', event: 'Y' }, false],
    ['not (type = "a" and event = "X")', { type: 'a', event: 'Y' }, true],
    ['type = "x" or not type = "a" and event = "X"', { type: 'b', event: 'X' }, true],
  ])
  it('builds the nested AST', () => {
    expect(parseTrigger('type = "1" or type = "2" and type = "3"')).toEqual({
      type: 'group',
      operator: 'or',
      children: [
        { type: 'event-type', operator: '=', value: '1' },
        {
          type: 'group',
          operator: 'and',
          children: [
            { type: 'event-type', operator: '=', value: '2' },
            { type: 'event-type', operator: '=', value: '3' },
          ],
        },
      ],
    })
  })
})

describe('parentheses nest to any depth', () => {
  check([
    ['((type = "track"))', { type: 'track' }, true],
    ['(((((type = "track")))))', { type: 'identify' }, false],
    [
      'type = "track" and (event = "A" or (event = "B" and properties.total > 10))',
      { ...track, event: 'B' },
      true,
    ],
    [
      'type = "track" and (event = "A" or (event = "B" and properties.total > 100))',
      { ...track, event: 'B' },
      false,
    ],
    ['type = "track" and (contains(event, "a") or event = "Z")', { type: 'identify', event: 'Z' }, false],
    ['type = "track" and (contains(event, "a") or event = "Z")', { type: 'track', event: 'Z' }, true],
  ])
  it('keeps the explicit grouping in AST and canonical text', () => {
    const text = 'type = "a" and (event = "b" and (name = "c" or name = "d"))'
    expect(formatTrigger(parseTrigger(text))).toBe(text)
  })
  it('accepts 400 levels', () => {
    const text = '('.repeat(400) + 'type = "x"' + ')'.repeat(400)
    expect(compileTrigger(text)({ type: 'x' })).toBe(true)
  })
})

describe('not and ! negate any term or group', () => {
  check([
    ['not type = "track"', { type: 'track' }, false],
    ['not type = "track"', {}, true],
    ['!type = "track"', { type: 'identify' }, true],
    ['!(type = "track")', { type: 'track' }, false],
    ['!(type = "track" or type = "page")', { type: 'page' }, false],
    ['!(type = "track" or type = "page")', { type: 'identify' }, true],
    ['not not type = "track"', { type: 'track' }, true],
    ['!!(type = "track")', { type: 'track' }, true],
    ['not (properties.total > 10)', track, false],
    ['not properties.total > 100', track, true],
    // Negating a function call gives the reference's negated function: false when not a string.
    ['!contains(event, "x")', {}, false],
    ['not contains(event, "x")', {}, false],
    ['not contains(event, "x")', { event: 'abc' }, true],
    // Negating a parenthesised call is a logical not: true when the field is missing.
    ['!(contains(event, "x"))', {}, true],
    ['not (match(event, "Order*"))', track, false],
  ])
  it.each([
    ['not type = "track"', '!(type = "track")'],
    ['! type = "track"', '!(type = "track")'],
    ['not (type = "a" or type = "b")', '!(type = "a" or type = "b")'],
    ['!!type = "a"', '!(!(type = "a"))'],
    ['not type = "a" and not event = "b"', '!(type = "a") and !(event = "b")'],
  ])('%s is written %s', (text, canonical) => {
    expect(compileTrigger(text).canonical).toBe(canonical)
  })
  it('distinguishes !contains(…) from !(contains(…))', () => {
    expect(parseTrigger('!contains(event, "x")').children[0]).toEqual({
      type: 'event',
      operator: 'not_contains',
      value: 'x',
    })
    expect(parseTrigger('!(contains(event, "x"))').children[0]).toEqual({
      type: 'not',
      child: { type: 'event', operator: 'contains', value: 'x' },
    })
    expect(compileTrigger('not contains(event, "x")').canonical).toBe('!contains(event, "x")')
    expect(compileTrigger('!(contains(event, "x"))').canonical).toBe('!(contains(event, "x"))')
  })
})

describe('operators: == and no surrounding spaces', () => {
  check([
    ['type == "track"', { type: 'track' }, true],
    ['type=="track"', { type: 'track' }, true],
    ['properties.total==30', track, true],
    ['properties.x>3', { properties: { x: 5 } }, true],
    ['properties.x<3', { properties: { x: 5 } }, false],
    ['properties.x>=5', { properties: { x: 5 } }, true],
    ['properties.x<=4', { properties: { x: 5 } }, false],
    ['properties.x!=3', { properties: { x: 4 } }, true],
    ['properties.x >=3', { properties: { x: 5 } }, true],
    ['properties.x>-3', { properties: { x: -2 } }, true],
    ['properties.x>=+3', { properties: { x: 3 } }, true],
    ['properties.x>1e3', { properties: { x: 1001 } }, true],
    ['type="a"or type="b"', { type: 'b' }, true],
    ['(type="a")and(event="b")', { type: 'a', event: 'b' }, true],
  ])
  it('writes == as =', () => expect(compileTrigger('type=="track"').canonical).toBe('type = "track"'))
  it('reads >=3 as >= 3', () => expect(compileTrigger('properties.x>=3').canonical).toBe('properties.x >= 3'))
})

describe('strings: single or double quotes, no escapes', () => {
  check([
    ["type = 'track'", { type: 'track' }, true],
    [`properties.q = 'say "hi"'`, { properties: { q: 'say "hi"' } }, true],
    [`properties.q = "it's"`, { properties: { q: "it's" } }, true],
    [`contains(event, 'Nike')`, { event: 'Buy Nike' }, true],
    [`match(event, 'Order*')`, track, true],
    [`properties.s = "a\\b"`, { properties: { s: 'a\\b' } }, true],
    ['properties.s = "a, (b)\nc"', { properties: { s: 'a, (b)\nc' } }, true],
  ])
  it('writes single-quoted strings in double quotes unless they contain "', () => {
    expect(compileTrigger("type = 'track'").canonical).toBe('type = "track"')
    expect(compileTrigger(`properties.q = 'say "hi"'`).canonical).toBe(`properties.q = 'say "hi"'`)
  })
})

describe('every top-level field', () => {
  const newFields = TOP_LEVEL_FIELDS.filter((f) => !['type', 'event', 'name', 'userId'].includes(f))
  for (const field of newFields) {
    describe(field, () => {
      check([
        [`${field} = "v1"`, { [field]: 'v1' }, true],
        [`${field} = "v1"`, { [field]: 'v2' }, false],
        [`${field} != "v1"`, {}, true],
        [`${field} = null`, {}, true],
        [`${field} = null`, { [field]: null }, true],
        [`${field} != null`, { [field]: '' }, true],
        [`${field} != null`, {}, false],
        [`${field} = true`, { [field]: true }, true],
        [`${field} = false`, { [field]: 'false' }, false],
        // like userId: a number is compared as a string
        [`${field} = 2`, { [field]: '2' }, true],
        [`${field} = 2`, { [field]: 2 }, false],
        [`contains(${field}, "x")`, { [field]: 'axb' }, true],
        [`match(${field}, "x*")`, { [field]: 'xy' }, true],
      ])
      it('has a node named after the field and round-trips', () => {
        expect(parseTrigger(`${field} = null`).children[0]).toEqual({ type: field, operator: 'not_exists' })
        expect(parseTrigger(`${field} = true`).children[0]).toEqual({ type: field, operator: 'is_true' })
        expect(parseTrigger(`${field} = 2`).children[0]).toEqual({ type: field, operator: '=', value: '2' })
        for (const text of [
          `${field} = "v"`,
          `${field} != null`,
          `${field} = false`,
          `!contains(${field}, "v")`,
        ]) {
          expect(formatTrigger(parseTrigger(text))).toBe(text)
        }
      })
    })
  }
  it('keeps the reference node shapes of type/event/name/userId (§2.3)', () => {
    const first = (t: string): TriggerNode => parseTrigger(t).children[0]
    expect(first('type = null')).toEqual({ type: 'event-type', operator: '=', value: 'null' })
    expect(first('event != null')).toEqual({ type: 'event', operator: '!=', value: 'null' })
    expect(first('name = null')).toEqual({ type: 'name', operator: 'not_exists' })
    expect(first('name = true')).toEqual({ type: 'name', operator: '=', value: 'true' })
    expect(first('userId = false')).toEqual({ type: 'userId', operator: 'is_false' })
    expect(first('userId != true')).toEqual({ type: 'userId', operator: '!=', value: 'true' })
  })
})

describe('paths under properties, traits, context and integrations', () => {
  check([
    ['properties.arr.0 = "x"', { properties: { arr: ['x'] } }, true],
    ['properties.arr[0] = "x"', { properties: { arr: ['x'] } }, true],
    ['properties.arr[1].name = "b"', { properties: { arr: [{ name: 'a' }, { name: 'b' }] } }, true],
    ['properties.m[0][1] = 2', { properties: { m: [[1, 2]] } }, true],
    ['properties.0 = "zero"', { properties: { '0': 'zero' } }, true],
    ['properties.product\\ 1.price = 5', { properties: { 'product 1': { price: 5 } } }, true],
    ['properties.Café = "x"', { properties: { Café: 'x' } }, true],
    ['properties.naïve-key_2 = "x"', { properties: { 'naïve-key_2': 'x' } }, true],
    ['traits.plan = "pro"', { traits: { plan: 'pro' } }, true],
    ['traits.plan = "pro"', { context: { traits: { plan: 'pro' } } }, false],
    ['context.traits.plan = "pro"', { context: { traits: { plan: 'pro' } } }, true],
    ['integrations.Iterable = false', { integrations: { Iterable: false } }, true],
    ['integrations.Iterable != null', { integrations: {} }, false],
    ['integrations.Iterable.apiKey = "k"', { integrations: { Iterable: { apiKey: 'k' } } }, true],
    ['integrations.retries = 3', { integrations: { retries: 3 } }, true],
    ['integrations.retries > 2', { integrations: { retries: '3' } }, false],
    // the reference's lookup: a falsy intermediate value is the result
    ['properties.a.b = 0', { properties: { a: 0 } }, true],
    ['properties.a.b.c = ""', { properties: { a: '' } }, true],
    ['properties.s.length = 3', { properties: { s: 'abc' } }, true],
  ])
  it('normalises [n] to .n and escapes names like the reference', () => {
    expect(parseTrigger('properties.arr[0].x = 1').children[0]).toEqual({
      type: 'event-property',
      name: 'arr.0.x',
      operator: 'number_equals',
      value: 1,
    })
    expect(compileTrigger('properties.arr[0] = "x"').canonical).toBe('properties.arr.0 = "x"')
    expect(compileTrigger('properties.Café = "x"').canonical).toBe('properties.Caf\\é = "x"')
    expect(parseTrigger('integrations.x.y != 1').children[0]).toEqual({
      type: 'event-integration',
      name: 'x.y',
      operator: 'number_not_equals',
      value: 1,
    })
  })
})

describe('contains and match on any field', () => {
  check([
    ['contains(type, "ack")', { type: 'track' }, true],
    ['match(type, "tr*")', { type: 'track' }, true],
    ['match(type, "*fy")', { type: 'identify' }, true],
    ['!match(type, "*fy")', { type: 'track' }, true],
    ['contains(context.page.url, "/cart")', { context: { page: { url: 'https://x/cart?a' } } }, true],
    ['contains(properties.n, 5)', { properties: { n: 'a5' } }, true],
    ['contains(properties.n, 5)', { properties: { n: 5 } }, false],
    ['contains(integrations.x, "a")', { integrations: { x: 'abc' } }, true],
    ['match(anonymousId, "anon-*")', { anonymousId: 'anon-1' }, true],
  ])
})

describe('CR is whitespace', () => {
  check([
    ['type = "track"\r', { type: 'track' }, true],
    ['type = "track"\r\nand event = "A"', { type: 'track', event: 'A' }, true],
    ['\ttype\n=\r"track"', { type: 'track' }, true],
  ])
})

describe('evaluation is the reference’s (§2.5)', () => {
  check([
    ['properties.v = "1"', { properties: { v: 1 } }, false],
    ['properties.v = 1', { properties: { v: '1' } }, false],
    ['properties.v != "x"', {}, true],
    ['properties.v != 1', {}, false],
    ['properties.v < "10"', { properties: { v: 5 } }, true],
    ['properties.v < 10', { properties: { v: '5' } }, false],
    ['properties.v > 1', { properties: { v: true } }, false],
    ['properties.v = null', { properties: { v: null } }, true],
    ['properties.v = "null"', { properties: { v: null } }, false],
    ['properties.v != true', { properties: { v: true } }, true],
    ['properties.v = true', { properties: { v: 'true' } }, false],
    ['event = null', {}, false],
    ['event != null', {}, true],
    ['userId = 123', { userId: 123 }, false],
    ['userId = 123', { userId: '123' }, true],
    ['contains(event, "Nike")', { event: 'nike' }, false],
    ['!contains(event, "Nike")', { event: 5 }, false],
    ['match(event, "abc")', { event: 'xbc' }, true],
    ['match(event, "*mid*")', { event: '*middle' }, true],
    ['match(event, "*mid*")', { event: 'a mid b' }, false],
    ['type != "x"', '', true],
    ['type = "x"', undefined, false],
    ['type != "x"', null, false],
    ['type != "x"', 42, true],
  ])

  const ast = (node: object) => ({ type: 'group', operator: 'and', children: [node] })
  const prop = (operator: string, value: unknown) =>
    ast({ type: 'event-property', name: 'v', operator, value })
  const on = (v: unknown) => ({ properties: { v } })
  it('AST "=" with a number value compares as a string', () => {
    const p = compileTriggerAst(prop('=', 123))
    expect([p(on('123')), p(on(123)), p(on('456'))]).toEqual([true, false, false])
  })
  it('AST "!=" with a number value compares as a string', () => {
    const p = compileTriggerAst(prop('!=', 123))
    expect([p(on(123)), p(on(456)), p(on('456')), p(on('123'))]).toEqual([true, true, true, false])
  })
  it('AST number_equals with a string value compares numerically', () => {
    const p = compileTriggerAst(prop('number_equals', '123'))
    expect([p(on(123)), p(on('123'))]).toEqual([true, false])
  })
  it('AST comparisons with a string value behave like numbers', () => {
    for (const [op, pass, fail] of [
      ['<', 9, 10],
      ['<=', 10, 11],
      ['>', 11, 10],
      ['>=', 10, 9],
    ] as const) {
      const p = compileTriggerAst(prop(op, '10'))
      expect([p(on(pass)), p(on(fail)), p(on(String(pass)))]).toEqual([true, false, false])
    }
  })
  it('an empty and-group is true, an empty or-group false', () => {
    expect(compileTriggerAst({ type: 'group', operator: 'and', children: [] })({})).toBe(true)
    expect(compileTriggerAst({ type: 'group', operator: 'or', children: [] })({})).toBe(false)
  })
  it('four and more children', () => {
    const and = compileTrigger('type = "a" and event = "b" and name = "c" and userId = "d"')
    expect(and({ type: 'a', event: 'b', name: 'c', userId: 'd' })).toBe(true)
    expect(and({ type: 'a', event: 'b', name: 'c', userId: 'x' })).toBe(false)
    const or = compileTrigger('type = "a" or type = "b" or type = "c" or type = "d"')
    expect(['a', 'b', 'c', 'd', 'e'].map((type) => or({ type }))).toEqual([true, true, true, true, false])
  })
  it('rejects malformed ASTs at compile time', () => {
    expect(() => compileTriggerAst(ast({ type: 'event', operator: 'like', value: 'x' }))).toThrow(/operator/)
    expect(() => compileTriggerAst(ast({ type: 'nope', operator: '=', value: 'x' }))).toThrow(/node type/)
    expect(() => compileTriggerAst({ type: 'group', operator: 'and', children: [null] })).toThrow(/Invalid/)
    expect(() => compileTriggerAst({ type: 'group', operator: 'xor', children: [] })).toThrow(
      /group operator/,
    )
    expect(() => compileTriggerAst({ error: new Error('x') })).toThrow(/error AST/)
  })
  it('never mutates the event', () => {
    const event = { type: 'track', properties: { arr: [{ a: 1 }] } }
    const copy = structuredClone(event)
    compileTrigger('type = "track" and properties.arr[0].a = 1 and !contains(event, "x")')(event)
    expect(event).toEqual(copy)
  })
})

describe('compileTrigger metadata', () => {
  it('carries source, canonical text, AST and warnings', () => {
    const text = "type=='track' and(event='A' or event='B')"
    const trigger = compileTrigger(text)
    expect(trigger.source).toBe(text)
    expect(trigger.canonical).toBe('type = "track" and (event = "A" or event = "B")')
    expect(trigger.ast).toEqual(parseTrigger(trigger.canonical))
    expect(trigger.warnings).toEqual([])
  })
  it('rejects a non-string', () => {
    expect(() => compileTrigger(42 as unknown as string)).toThrow(TypeError)
    expect(() => parseTrigger(undefined as unknown as string)).toThrow(TypeError)
  })
})

describe('warnings', () => {
  it('mixing and/or without parentheses compiles with a warning naming Segment’s reading', () => {
    const { warnings } = parseTriggerWithWarnings('type = "a" and type = "b" or type = "c"')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^line 1, column 12: /)
    expect(warnings[0]).toMatch(/Segment/)
    expect(warnings[0]).toMatch(/last operator \("or"\)/)
  })
  it('one warning per mixed level, none when parenthesised', () => {
    expect(parseTriggerWithWarnings('(type = "a" and type = "b") or type = "c"').warnings).toEqual([])
    expect(parseTriggerWithWarnings('type = "a" or type = "b" or type = "c"').warnings).toEqual([])
    const nested = parseTriggerWithWarnings('type = "x" and (type = "a" or type = "b" and type = "c")')
    expect(nested.warnings).toHaveLength(1)
    expect(nested.warnings[0]).toMatch(/^line 1, column 28: /)
  })
  it('match patterns Segment reads oddly', () => {
    expect(compileTrigger('match(event, "abc")').warnings[0]).toMatch(/ends-with "bc"/)
    expect(compileTrigger('match(event, "*mid*")').warnings[0]).toMatch(/starts-with "\*mid"/)
    expect(compileTrigger('match(event, "ab*")').warnings).toEqual([])
    expect(compileTrigger('match(event, "*ab")').warnings).toEqual([])
  })
  it('a number compared with a top-level field (compared as text)', () => {
    const { warnings } = compileTrigger('userId = 123')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^line 1, column 10: top-level fields compare numbers as text/)
    expect(compileTrigger('properties.n = 123').warnings).toEqual([])
    expect(compileTrigger('userId = "123"').warnings).toEqual([])
  })
  it('no warnings for ordinary triggers', () => {
    expect(compileTrigger('type = "track" and (event = "A" or properties.x > "10")').warnings).toEqual([])
  })
})
