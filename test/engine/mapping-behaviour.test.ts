// Behaviour of the compiled mapping beyond the conformance vectors: compile-once, no mutation,
// own-property lookups, undefined semantics inside @merge/@flatten, batch, helpers.
import { describe, expect, it } from 'vitest'
import {
  compileBatchMapping,
  compileMapping,
  getFieldValueKeys,
  MappingRuntimeError,
  MappingValidationError,
  splitPath,
  validateMapping,
} from '../../src/engine/mapping/index.js'

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error, got none')
}

const run = (mapping: unknown, event: unknown = {}) => compileMapping(mapping)(event)

describe('path lookup (§1.4)', () => {
  const data = {
    a: { b: { c: 42, d: true, e: 'hello', f: [{ g: 'yay' }, { g: 'nay' }] }, h: null },
    u: undefined,
    '[txt] non': true,
    '[txt] nest': { inner: true },
  }
  const cases: Array<[string, unknown]> = [
    ['', data],
    ['.', data],
    ['a.b.c', 42],
    ['a.b.f[0].g', 'yay'],
    ['a.b.f.1.g', 'nay'],
    ["['a'].b", data.a.b],
    ['["a"].b', data.a.b],
    ['a.h', null],
    ['a.h.x', null],
    ['a.b.x', undefined],
    ['u', undefined],
    ['[txt] non', true],
    ['[txt] nest.inner', true],
    ['a.b.e.length', 5],
    ['a.b.e.1', 'e'],
    ['a.b.f.length', 2],
  ]
  for (const [path, expected] of cases) {
    it(`get ${JSON.stringify(path)}`, () => {
      expect(compileMapping({ '@path': path })(data)).toEqual(expected)
    })
  }

  it('splits as the reference: quotes/digits open and close brackets, quotes are deleted', () => {
    expect(splitPath('a.b[0].c')).toEqual(['a', 'b', '0', 'c'])
    expect(splitPath("a['x y'].z")).toEqual(['a', 'x y', 'z'])
    expect(splitPath('a[b]')).toEqual(['a[b]'])
    expect(splitPath('..a..')).toEqual(['a'])
  })

  it('never returns inherited members (a deliberate difference from the reference)', () => {
    const event = { s: 'abc', list: [1, 2], o: { x: 1 }, n: 5 }
    for (const path of [
      '$.toString',
      '$.constructor',
      '$.__proto__',
      '$.hasOwnProperty',
      '$.o.valueOf',
      '$.s.toUpperCase',
      '$.list.map',
      '$.n.toFixed',
    ]) {
      expect(run({ v: { '@path': path } }, event), path).toEqual({})
    }
    expect(run({ '@template': '{{toString}}|{{list.push}}' }, event)).toBe('|')
  })

  it('finds own keys named like inherited members', () => {
    const event = JSON.parse('{"constructor":"C","toString":"T","__proto__":{"x":1}}') as object
    expect(
      run(
        { a: { '@path': '$.constructor' }, b: { '@path': '$.toString' }, c: { '@path': '$.__proto__.x' } },
        event,
      ),
    ).toEqual({
      a: 'C',
      b: 'T',
      c: 1,
    })
  })
})

describe('compile once, run many', () => {
  it('validates at compile time, before any event', () => {
    const error = errorOf(() => compileMapping({ a: { '@path': 5 }, b: { '@nope': 1 } }))
    expect(error).toBeInstanceOf(MappingValidationError)
    expect((error as MappingValidationError).messages).toEqual([
      '/a/@path should be a string or a mapping directive but it is a number.',
      '/b has an invalid directive: @nope.',
    ])
    expect(error.message).toContain('/b has an invalid directive: @nope.')
    expect(validateMapping({ a: { '@path': 5 } })).toEqual([
      '/a/@path should be a string or a mapping directive but it is a number.',
    ])
    expect(validateMapping({ a: { '@path': '$.x' } })).toEqual([])
  })

  it('one compiled mapping serves many different events', () => {
    const transform = compileMapping({
      id: { '@path': '$.messageId' },
      name: { '@template': '{{traits.first}} {{traits.last}}' },
      upper: { '@case': { operator: 'upper', value: { '@path': '$.traits.first' } } },
      tag: { '@replace': { pattern: ' ', replacement: '_', value: { '@path': '$.event' } } },
    })
    for (let i = 0; i < 50; i++) {
      expect(
        transform({
          messageId: `m${i}`,
          event: `Event ${i} done`,
          traits: { first: `f${i}`, last: `l${i}` },
        }),
      ).toEqual({ id: `m${i}`, name: `f${i} l${i}`, upper: `F${i}`, tag: `Event_${i}_done` })
    }
  })

  it('does not mutate the event or the mapping (both deep-frozen)', () => {
    const mapping = deepFreeze({
      __segment_internal_directive: {
        '@transform': {
          apply: { properties: { '@flatten': { value: { '@path': '$.properties' }, separator: '_' } } },
        },
      },
      properties: { '@excludeWhenNull': { '@path': '$.properties' } },
      merged: { '@merge': { direction: 'left', objects: [{ '@path': '$.properties' }, { k: 1 }] } },
      replaced: { '@replace': { pattern: 'a', value: { '@path': '$.properties.s' } } },
      items: { '@arrayPath': ['$.properties.items', { sku: { '@path': '$.sku' } }] },
    })
    const event = deepFreeze({
      properties: { s: 'banana', n: null, nested: { a: null, b: 2 }, items: [{ sku: 'x' }] },
    })
    const before = structuredClone(event)
    const out = compileMapping(mapping)(event)
    expect(event).toEqual(before)
    expect(out).toEqual({
      properties: { s: 'banana', nested_b: 2, items_0_sku: 'x' },
      merged: { s: 'banana', n: null, nested_a: null, nested_b: 2, items_0_sku: 'x', k: 1 },
      replaced: 'bnn',
    })
  })

  it('shares event sub-objects (documented) but builds mapping objects afresh each call', () => {
    const event = { properties: { a: 1 } }
    const transform = compileMapping({ dataFields: { '@path': '$.properties' }, fixed: { x: [1, { y: 2 }] } })
    const first = transform(event) as { dataFields: unknown; fixed: { x: unknown[] } }
    expect(first.dataFields).toBe(event.properties)
    first.fixed.x.push(3)
    expect((transform(event) as { fixed: unknown }).fixed).toEqual({ x: [1, { y: 2 }] })
  })

  it('treats a missing event as {} and rejects non-objects', () => {
    expect(compileMapping({ a: 1, b: { '@path': '$.x' } })()).toEqual({ a: 1 })
    const error = errorOf(() => compileMapping({ a: 1 })(null))
    expect(error).toBeInstanceOf(MappingRuntimeError)
    expect(error.message).toBe('data must be an object, got null')
  })
})

describe('undefined as the reference sees it inside @merge and @flatten', () => {
  it('@merge: a later key that resolves to nothing removes the earlier value', () => {
    const event = { o: { a: null } }
    expect(
      run({
        '@merge': { direction: 'right', objects: [{ a: 1 }, { '@literal': { a: { '@path': '$.x' } } }] },
      }),
    ).toEqual({})
    expect(
      run(
        { '@merge': { direction: 'right', objects: [{ a: 1 }, { '@excludeWhenNull': { '@path': '$.o' } }] } },
        event,
      ),
    ).toEqual({})
    expect(run({ '@merge': { direction: 'left', objects: [{ a: 1 }, { a: { '@path': '$.x' } }] } })).toEqual({
      a: 1,
    })
    expect(
      run({
        '@merge': {
          direction: 'right',
          objects: [
            { a: 1, b: 1 },
            { '@merge': { direction: 'right', objects: [{ a: { '@path': '$.x' } }] } },
          ],
        },
      }),
    ).toEqual({ b: 1 })
  })

  it('@merge output nested objects are cleaned', () => {
    expect(
      run({ '@merge': { direction: 'right', objects: [{ a: { b: { '@path': '$.x' }, c: 1 } }] } }),
    ).toEqual({ a: { c: 1 } })
  })

  it('@flatten: key collisions keep the later value even when it is missing', () => {
    expect(
      run({ '@flatten': { separator: '.', value: { a: { b: 1 }, 'a.b': { '@path': '$.x' } } } }),
    ).toEqual({})
    expect(
      run({ '@flatten': { separator: '.', value: { 'a.b': { '@path': '$.x' }, a: { b: 1 } } } }),
    ).toEqual({ 'a.b': 1 })
  })
})

describe('keys named __proto__ stay data', () => {
  it('in mapping objects, @merge and @flatten', () => {
    const mapping = JSON.parse(
      '{"__proto__":{"@path":"$.p"},"m":{"@merge":{"direction":"right","objects":[{"@path":"$.q"}]}}}',
    )
    const event = JSON.parse('{"p":{"polluted":true},"q":{"__proto__":{"polluted":true}}}') as object
    const out = compileMapping(mapping)(event) as Record<string, Record<string, unknown>>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__', 'm'])
    expect(Object.getPrototypeOf(out.m)).toBe(Object.prototype)
    expect(Object.hasOwn(out.m, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('runtime-only checks and nesting', () => {
  it('a Liquid parse error is raised only when its branch is evaluated', () => {
    const transform = compileMapping({
      v: {
        '@if': {
          exists: { '@path': '$.go' },
          then: { '@liquid': '{% for x in y %}{% endfor %}' },
          else: 'skipped',
        },
      },
    })
    expect(transform({})).toEqual({ v: 'skipped' })
    const error = errorOf(() => transform({ go: 1 }))
    expect(error).toBeInstanceOf(MappingRuntimeError)
    expect(error.message).toMatch(/^tag "for" is disabled/)
  })

  it('@liquid renders per event from one parse', () => {
    const transform = compileMapping({
      v: { '@liquid': '{{ properties.n | plus: 1 }}-{{ properties.s | upcase }}' },
    })
    expect(transform({ properties: { n: 1, s: 'a' } })).toEqual({ v: '2-A' })
    expect(transform({ properties: { n: 9, s: 'z' } })).toEqual({ v: '10-Z' })
  })

  it('directive options that are directives are resolved per event', () => {
    const transform = compileMapping({
      byName: { '@path': { '@template': 'properties.{{key}}' } },
      tpl: { '@template': { '@path': '$.t' } },
      // Arrays are not validated, so a computed separator can only appear there.
      sep: [{ '@flatten': { value: { '@path': '$.o' }, separator: { '@path': '$.s' } } }],
    })
    expect(
      transform({ key: 'a', properties: { a: 'A', b: 'B' }, t: '{{key}}!', o: { x: { y: 1 } }, s: '/' }),
    ).toEqual({
      byName: 'A',
      tpl: 'a!',
      sep: [{ 'x/y': 1 }],
    })
    expect(
      transform({ key: 'b', properties: { a: 'A', b: 'B' }, t: '<{{key}}>', o: { x: { y: 1 } }, s: '-' }),
    ).toEqual({
      byName: 'B',
      tpl: '<b>',
      sep: [{ 'x-y': 1 }],
    })
    expect(errorOf(() => transform({ o: {}, s: '.' })).message).toBe(
      '@template: expected string, got undefined',
    )
    expect(errorOf(() => transform({ t: '', o: {}, s: 5 })).message).toBe(
      '@flatten requires a string separator',
    )
    expect(errorOf(() => compileMapping({ v: { '@path': { '@path': '$.p' } } })({ p: [1] })).message).toBe(
      '@path: expected string, got array',
    )
  })

  it('@template: values are not replacement patterns; the second pass rescans the first', () => {
    expect(run({ '@template': '{{a}}' }, { a: '$& $1' })).toBe('$& $1')
    expect(run({ '@template': '{{{a}}}/{{b}}' }, { a: '{{b}}', b: 'B' })).toBe('B/B')
    expect(run({ '@template': '{{arr}}' }, { arr: [1, null, [2, 3], { x: 1 }] })).toBe(
      '1,,2,3,[object Object]',
    )
  })

  it('@replace: replacement patterns, first-only and case-insensitive', () => {
    expect(
      run({ '@replace': { pattern: 'b', replacement: "[$`|$']", value: { '@path': '$.a' } } }, { a: 'abc' }),
    ).toBe('a[a|c]c')
    expect(
      run(
        {
          '@replace': {
            pattern: 'X',
            replacement: '-',
            global: false,
            ignorecase: true,
            value: { '@path': '$.a' },
          },
        },
        { a: 'axbX' },
      ),
    ).toBe('a-bX')
    expect(
      run(
        { '@replace': { pattern: '(a|b)', replacement: '$$', value: { '@path': '$.a' } } },
        { a: 'x(a|b)y' },
      ),
    ).toBe('x$y')
  })

  it('@transform inside an array validates its apply step when it runs (as the reference)', () => {
    const transform = compileMapping({
      v: [{ '@transform': { apply: { x: { '@nope': 1 } }, mapping: { y: 1 } } }],
    })
    const error = errorOf(() => transform({}))
    expect(error).toBeInstanceOf(MappingValidationError)
    expect((error as MappingValidationError).messages).toEqual(['/x has an invalid directive: @nope.'])
  })

  it('root directive problems are validation errors', () => {
    for (const [root, message] of [
      [{ '@transform': {}, '@path': 'x' }, 'The root mapping must only have a single directive object'],
      ['oops', 'The root mapping must only have a single directive object'],
      [{ '@transform': 'x' }, 'The root directive must be an object'],
    ] as const) {
      const error = errorOf(() => compileMapping({ __segment_internal_directive: root, a: 1 }))
      expect(error).toBeInstanceOf(MappingValidationError)
      expect((error as MappingValidationError).messages).toEqual([message])
    }
  })
})

describe('batch and helpers', () => {
  it('compileBatchMapping resolves each element (elements are not type-checked)', () => {
    const batch = compileBatchMapping({ id: { '@path': '$.id' }, n: { '@path': '$.length' } })
    expect(batch([{ id: 1 }, { id: 2 }, 'abc'])).toEqual([{ id: 1 }, { id: 2 }, { n: 3 }])
    expect(batch()).toEqual([])
    expect(errorOf(() => batch({})).message).toBe('data must be an array, got object')
  })

  it('getFieldValueKeys lists referenced paths', () => {
    expect(
      getFieldValueKeys({
        a: { '@path': '$.properties.email' },
        b: { '@template': '{{ traits.first }} {{traits.last}}' },
        c: { '@if': { exists: { '@path': '$.x' }, then: { '@path': '$.y' }, else: 'z' } },
        d: { '@literal': { '@path': '$.hidden' } },
        e: { '@liquid': '{{ properties.world }}{% if a.b %}{% endif %}' },
        f: 'plain',
        g: true,
        h: {},
      }),
    ).toEqual([
      '$.properties.email',
      ' traits.first ',
      'traits.last',
      '$.x',
      '$.y',
      'properties.world',
      'a.b',
    ])
  })
})
