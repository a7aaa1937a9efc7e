// Differential test: the compiled closures (which drop undefined while building, and keep it only
// where @merge/@flatten can observe it) against a literal, slow interpreter of the reference's
// algorithm (resolve everything keeping undefined, then remove undefined once), on random mappings.
import { describe, expect, it } from 'vitest'
import { compileMapping, MappingValidationError } from '../../src/engine/mapping/index.js'
import { lookup, splitPath } from '../../src/engine/mapping/path.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => Object.prototype.toString.call(v) === '[object Object]'

function directiveName(v: Obj): string | undefined {
  const keys = Object.keys(v)
  if (!keys.some((k) => k.startsWith('@'))) return undefined
  return keys.every((k) => k.startsWith('@') || k === '_metadata')
    ? keys.find((k) => k.startsWith('@'))
    : undefined
}

function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean)
  if (!isObj(v)) return v
  const out: Obj = {}
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x)
  return out
}

const get = (payload: unknown, path: string) => lookup(payload, splitPath(path))

function text(v: unknown): string {
  // JavaScript's String() of any value is what the reference's templates do.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() of an object, on purpose
  return v === undefined || v === null ? '' : String(v)
}

function flatten(v: unknown, prefix: string, sep: string, out: Obj): Obj {
  if (isObj(v) || Array.isArray(v)) {
    for (const k of Object.keys(v)) flatten((v as Obj)[k], prefix ? prefix + sep + k : k, sep, out)
  } else out[prefix] = v
  return out
}

function nullsToUndefined(v: Obj): Obj {
  const out: Obj = {}
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? undefined : isObj(x) ? nullsToUndefined(x) : x
  return out
}

function R(node: unknown, payload: unknown): unknown {
  if (Array.isArray(node)) return node.map((x) => R(x, payload))
  if (!isObj(node)) return node
  const name = directiveName(node)
  if (name === undefined) {
    const out: Obj = {}
    for (const k of Object.keys(node)) out[k] = R(node[k], payload)
    return out
  }
  const o = node[name] as Obj & unknown[]
  switch (name) {
    case '@path':
      return get(payload, (R(o, payload) as string).replace('$.', ''))
    case '@template': {
      const t = R(o, payload) as string
      const one = t.replace(/\{\{\{([^}]+)\}\}\}/g, (_m, x: string) => text(get(payload, x.trim())))
      return one.replace(/\{\{([^}]+)\}\}/g, (_m, x: string) => text(get(payload, x.trim())))
    }
    case '@literal':
      return R(o, payload)
    case '@if': {
      let cond: boolean
      if (o.exists !== undefined) {
        const v = R(o.exists, payload)
        cond = v !== undefined && v !== null
      } else {
        const v = R(o.blank, payload)
        cond = v !== undefined && v !== null && v != ''
      }
      if (cond && o.then !== undefined) return R(o.then, payload)
      if (!cond && o.else) return R(o.else, payload)
      return undefined
    }
    case '@case': {
      if (!o.value) return undefined
      const v = R(o.value, payload)
      if (typeof v !== 'string') return v
      return o.operator === 'lower' ? v.toLowerCase() : v.toUpperCase()
    }
    case '@json': {
      const v = R(o.value, payload)
      if (o.mode === 'encode') return JSON.stringify(v)
      if (typeof v !== 'string') return v
      try {
        return JSON.parse(v) as unknown
      } catch {
        return v
      }
    }
    case '@flatten':
      return flatten(R(o.value, payload), '', o.separator as string, {})
    case '@merge': {
      const objects = (o.objects as unknown[]).map((x) => R(x, payload))
      if (R(o.direction, payload) === 'left') objects.reverse()
      return Object.assign({}, ...objects) as Obj
    }
    case '@excludeWhenNull': {
      const v = R(o, payload)
      if (v === null) return undefined
      return isObj(v) ? nullsToUndefined(v) : v
    }
    case '@arrayPath': {
      const [path, shape] = o
      const root = typeof path === 'string' ? get(payload, path.replace('$.', '')) : R(path, payload)
      if ((isObj(root) || Array.isArray(root)) && isObj(shape) && Object.keys(shape).length > 0) {
        return (Array.isArray(root) ? root : [root]).map((item) => R(shape, item))
      }
      return root
    }
    case '@transform':
      return R(o.mapping, clean(R(o.apply, payload)))
    default:
      throw new Error(`generator produced ${name}`)
  }
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PATHS = [
  '$.a',
  '$.a.b',
  '$.a.c',
  '$.o',
  '$.o.b',
  '$.arr',
  '$.s',
  '$.n',
  '$.x',
  '$.nope',
  '$.',
  'o.b.c',
  '$.arr[0].id',
]
const KEYS = ['a', 'b', 'c', 'a.b', 'b.c', 'id']
const RAW = [null, 0, '', 'x', 1, false, true, 'A b']

function generator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const path = () => ({ '@path': pick(PATHS) })
  function object(depth: number): Obj {
    const out: Obj = {}
    const n = Math.floor(random() * 3) + 1
    for (let i = 0; i < n; i++) out[pick(KEYS)] = value(depth + 1)
    return out
  }
  function objectOrDirective(depth: number): unknown {
    return random() < 0.5 ? object(depth) : directive(depth)
  }
  function directive(depth: number): unknown {
    const d = depth + 1
    switch (Math.floor(random() * 11)) {
      case 0:
        return path()
      case 1:
        return { '@literal': value(d) }
      case 2:
        return {
          '@if': {
            [random() < 0.7 ? 'exists' : 'blank']: path(),
            ...(random() < 0.8 ? { then: value(d) } : {}),
            ...(random() < 0.8 ? { else: value(d) } : {}),
          },
        }
      case 3:
        return { '@case': { operator: pick(['lower', 'upper']), value: path() } }
      case 4:
        return {
          '@merge': {
            direction: pick(['left', 'right']),
            objects: [objectOrDirective(d), objectOrDirective(d)],
          },
        }
      case 5:
        return { '@flatten': { value: random() < 0.5 ? path() : object(d), separator: '.' } }
      case 6:
        return { '@excludeWhenNull': random() < 0.5 ? path() : object(d) }
      case 7:
        return { '@json': { mode: pick(['encode', 'decode']), value: random() < 0.5 ? path() : object(d) } }
      case 8:
        return { '@arrayPath': [pick(PATHS), random() < 0.7 ? object(d) : {}] }
      case 9:
        return { '@transform': { apply: object(d), mapping: object(d) } }
      default:
        return { '@template': `{{${pick(PATHS).replace('$.', '')}}}-{{{s}}}` }
    }
  }
  function value(depth: number): unknown {
    const r = random()
    if (depth > 3 || r < 0.2) return pick(RAW)
    if (r < 0.6) return directive(depth)
    if (r < 0.85) return object(depth)
    return [value(depth + 1), directive(depth)]
  }
  return { object }
}

const EVENTS = [
  {
    a: { b: 1, c: null },
    o: { a: null, b: { c: null, d: 'D' } },
    arr: [{ id: 1 }, { id: null }, 3],
    s: 'Ab',
    n: 0,
    x: '',
  },
  { a: 'str', o: null, arr: [], s: '', n: 5 },
  { a: { b: { c: 'deep' } }, o: { b: { c: 2 } }, arr: { id: 'single' }, s: 'x', x: false },
]

describe('compiled closures agree with a literal interpreter of the reference algorithm', () => {
  it('on 3000 random mappings × 3 events', () => {
    const random = rng(20251115)
    const { object } = generator(random)
    let compared = 0
    for (let i = 0; i < 3000; i++) {
      const mapping = object(0)
      let transform: (event: unknown) => unknown
      try {
        transform = compileMapping(mapping)
      } catch (error) {
        expect(error).toBeInstanceOf(MappingValidationError)
        continue
      }
      for (const event of EVENTS) {
        expect(transform(event), JSON.stringify(mapping)).toStrictEqual(clean(R(mapping, event)))
        compared++
      }
    }
    expect(compared).toBeGreaterThan(3000)
  })
})
