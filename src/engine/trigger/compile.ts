// Turns a trigger AST into a predicate made of closures, once. Evaluation follows the
// reference exactly (§2.5); only `not` nodes and the new fields are additions. Nothing is
// allocated per evaluation and no AST is walked per event.

import {
  fieldOfNodeType,
  rootOfPathNodeType,
  type Operator,
  type TriggerNode,
  type TriggerValue,
} from './ast.js'
import { TriggerAstError } from './errors.js'
import { FIELD_EQUALS, FIELD_GETTERS, FIELD_NOT_EQUALS } from './field-access.js'

type Rec = Record<string, unknown>
type Test = (event: Rec) => boolean
type Getter = (event: Rec) => unknown

/**
 * Property keys as internalized strings: keys built by the lexer are fresh strings, and a keyed
 * load with a non-internalized key is several times slower on V8.
 */
function internalize(key: string): string {
  return Object.keys({ [key]: 0 })[0]
}

/**
 * Path lookup as the reference's `get`: split on `.`, `[`, `]`; stop at a falsy intermediate
 * value and return it (`{a:0}` at `a.b` → 0). Ordinary JS property access (a string's `length`).
 */
function pathGetter(root: string, name: string): Getter {
  const keys = (name.match(/[^.[\]]+/g) ?? []).map(internalize)
  if (keys.length === 0) return () => undefined
  if (keys.length === 1) {
    const [k0] = keys
    return (e) => {
      const r = e[root] as Rec | undefined
      return r && r[k0]
    }
  }
  if (keys.length === 2) {
    const [k0, k1] = keys
    return (e) => {
      const r = e[root] as Rec | undefined
      const a = r && (r[k0] as Rec | undefined)
      return a && a[k1]
    }
  }
  return (e) => {
    let v = e[root] as Rec | undefined
    for (let i = 0; i < keys.length && v; i++) v = v[keys[i]] as Rec | undefined
    return v
  }
}

/** A test of the resolved value (`actual`) against the node's value (`expected`), per §2.5. */
function valueTest(operator: Operator, expected: TriggerValue | undefined): (actual: unknown) => boolean {
  const s = String(expected)
  const n = Number(expected)
  switch (operator) {
    case '=':
      return (a) => a === s
    case '!=':
      return (a) => a !== s
    case 'number_equals':
      return (a) => typeof a === 'number' && a === n
    case 'number_not_equals':
      return (a) => typeof a === 'number' && a !== n
    case '<':
      return (a) => typeof a === 'number' && a < n
    case '<=':
      return (a) => typeof a === 'number' && a <= n
    case '>':
      return (a) => typeof a === 'number' && a > n
    case '>=':
      return (a) => typeof a === 'number' && a >= n
    case 'contains':
      return (a) => typeof a === 'string' && a.includes(s)
    case 'not_contains':
      return (a) => typeof a === 'string' && !a.includes(s)
    case 'starts_with':
      return (a) => typeof a === 'string' && a.startsWith(s)
    case 'not_starts_with':
      return (a) => typeof a === 'string' && !a.startsWith(s)
    case 'ends_with':
      return (a) => typeof a === 'string' && a.endsWith(s)
    case 'not_ends_with':
      return (a) => typeof a === 'string' && !a.endsWith(s)
    case 'exists':
      return (a) => a !== undefined && a !== null
    case 'not_exists':
      return (a) => a === undefined || a === null
    case 'is_true':
      return (a) => a === true
    case 'is_false':
      return (a) => a === false
    default:
      throw new TriggerAstError(`Unknown trigger operator ${JSON.stringify(operator)}`)
  }
}

function compileGroup(operator: unknown, children: unknown): Test {
  if (!Array.isArray(children)) throw new TriggerAstError('A trigger group needs a children array')
  const tests = children.map((child: unknown) => compileNode(child))
  if (operator === 'and') {
    if (tests.length === 0) return () => true
    if (tests.length === 1) return tests[0]
    if (tests.length === 2) {
      const [a, b] = tests
      return (e) => a(e) && b(e)
    }
    if (tests.length === 3) {
      const [a, b, c] = tests
      return (e) => a(e) && b(e) && c(e)
    }
    return (e) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i](e)) return false
      return true
    }
  }
  if (operator === 'or') {
    if (tests.length === 0) return () => false
    if (tests.length === 1) return tests[0]
    if (tests.length === 2) {
      const [a, b] = tests
      return (e) => a(e) || b(e)
    }
    if (tests.length === 3) {
      const [a, b, c] = tests
      return (e) => a(e) || b(e) || c(e)
    }
    return (e) => {
      for (let i = 0; i < tests.length; i++) if (tests[i](e)) return true
      return false
    }
  }
  throw new TriggerAstError(`Unknown trigger group operator ${JSON.stringify(operator)}`)
}

/** Compiles one AST node; throws TriggerAstError for anything that is not a valid node. */
export function compileNode(node: unknown): Test {
  if (node === null || typeof node !== 'object')
    throw new TriggerAstError(`Invalid trigger node: ${String(node)}`)
  const n = node as Partial<TriggerNode> & { name?: unknown; operator?: unknown; value?: TriggerValue }
  if (n.type === 'group') return compileGroup(n.operator, (n as { children?: unknown }).children)
  if (n.type === 'not') {
    const child = compileNode((n as { child?: unknown }).child)
    return (e) => !child(e)
  }
  const operator = n.operator as Operator
  const field = fieldOfNodeType(String(n.type))
  if (field !== undefined) {
    if (operator === '=') return FIELD_EQUALS[field](String(n.value))
    if (operator === '!=') return FIELD_NOT_EQUALS[field](String(n.value))
    const get = FIELD_GETTERS[field]
    const test = valueTest(operator, n.value)
    return (e) => test(get(e))
  }
  const root = rootOfPathNodeType(String(n.type))
  if (root !== undefined && typeof n.name === 'string') {
    const get = pathGetter(internalize(root), n.name)
    const test = valueTest(operator, n.value)
    return (e) => test(get(e))
  }
  throw new TriggerAstError(`Invalid trigger node type ${JSON.stringify(n.type)}`)
}

/**
 * The predicate of a whole AST. `undefined` and `null` events never match (the reference
 * returns false for undefined and throws for null); other primitives simply have no fields.
 */
export function compileAst(ast: unknown): (event: unknown) => boolean {
  if (ast !== null && typeof ast === 'object' && 'error' in ast) {
    throw new TriggerAstError('Cannot compile an error AST')
  }
  // The common root (an `and` of up to three terms) is fused with the event guard: one call less per event.
  const root = ast as { type?: unknown; operator?: unknown; children?: unknown }
  if (root.type === 'group' && root.operator === 'and' && Array.isArray(root.children)) {
    const tests = root.children.map((child: unknown) => compileNode(child))
    if (tests.length === 1) {
      const [a] = tests
      return (event) => event != null && a(event as Rec)
    }
    if (tests.length === 2) {
      const [a, b] = tests
      return (event) => event != null && a(event as Rec) && b(event as Rec)
    }
    if (tests.length === 3) {
      const [a, b, c] = tests
      return (event) => event != null && a(event as Rec) && b(event as Rec) && c(event as Rec)
    }
  }
  const test = compileNode(ast)
  return (event) => event != null && test(event as Rec)
}
