// AST → canonical trigger text, in the output format of the reference's generateFql (§2.7).
// Additions: `not` nodes are written `!(…)`; a string containing `"` is written in single
// quotes (the reference writes it unescaped in double quotes, which does not re-parse); an AST
// that cannot be written so that it parses back (unknown operator, non-finite number, a string
// with both quote characters, an empty group) throws TriggerAstError.

import { fieldOfNodeType, rootOfPathNodeType, type TriggerNode, type TriggerValue } from './ast.js'
import { TriggerAstError } from './errors.js'

/** The reference's escaping of path names: every character outside [A-Za-z0-9._-] gets a backslash. */
function escapeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/gu, (c) => '\\' + c)
}

function quote(text: string): string {
  if (!text.includes('"')) return `"${text}"`
  if (!text.includes("'")) return `'${text}'`
  throw new TriggerAstError(
    `The string ${JSON.stringify(text)} contains both quote characters and cannot be written`,
  )
}

function formatNumber(value: unknown): string {
  const n = Number(value)
  if (!Number.isFinite(n))
    throw new TriggerAstError(`The value ${JSON.stringify(value)} is not a finite number`)
  return String(n)
}

function formatValue(value: TriggerValue | undefined): string {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'boolean') return String(value)
  throw new TriggerAstError(`Missing or invalid condition value ${JSON.stringify(value)}`)
}

function fieldText(node: { type?: unknown; name?: unknown }): string {
  const field = fieldOfNodeType(String(node.type))
  if (field !== undefined) return field
  const root = rootOfPathNodeType(String(node.type))
  if (root !== undefined && typeof node.name === 'string') return `${root}.${escapeName(node.name)}`
  throw new TriggerAstError(`Invalid trigger node type ${JSON.stringify(node.type)}`)
}

function formatCondition(node: {
  type?: unknown
  name?: unknown
  operator?: unknown
  value?: TriggerValue
}): string {
  const f = fieldText(node)
  const v = node.value
  switch (node.operator) {
    case 'contains':
      return `contains(${f}, ${quote(String(v))})`
    case 'not_contains':
      return `!contains(${f}, ${quote(String(v))})`
    case 'exists':
      return `${f} != null`
    case 'not_exists':
      return `${f} = null`
    case 'is_true':
      return `${f} = true`
    case 'is_false':
      return `${f} = false`
    case 'starts_with':
      return `match(${f}, ${quote(String(v) + '*')})`
    case 'not_starts_with':
      return `!match(${f}, ${quote(String(v) + '*')})`
    case 'ends_with':
      return `match(${f}, ${quote('*' + String(v))})`
    case 'not_ends_with':
      return `!match(${f}, ${quote('*' + String(v))})`
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `${f} ${node.operator} ${formatNumber(v)}`
    case 'number_equals':
      return `${f} = ${formatNumber(v)}`
    case 'number_not_equals':
      return `${f} != ${formatNumber(v)}`
    case '=':
    case '!=':
      return `${f} ${node.operator} ${formatValue(v)}`
    default:
      throw new TriggerAstError(`Unknown trigger operator ${JSON.stringify(node.operator)}`)
  }
}

/** A group's children joined by its operator; child groups in parentheses. */
function formatGroupBody(node: { operator?: unknown; children?: unknown }): string {
  const { operator, children } = node
  if (operator !== 'and' && operator !== 'or') {
    throw new TriggerAstError(`Unknown trigger group operator ${JSON.stringify(operator)}`)
  }
  if (!Array.isArray(children) || children.length === 0) {
    throw new TriggerAstError('A trigger group needs at least one child')
  }
  return children
    .map((child: unknown) => (isGroup(child) ? `(${formatGroupBody(child)})` : formatTerm(child)))
    .join(` ${operator} `)
}

function isGroup(node: unknown): node is { type: 'group'; operator?: unknown; children?: unknown } {
  return node !== null && typeof node === 'object' && (node as { type?: unknown }).type === 'group'
}

function formatTerm(node: unknown): string {
  if (node === null || typeof node !== 'object')
    throw new TriggerAstError(`Invalid trigger node: ${String(node)}`)
  const n = node as Partial<TriggerNode>
  if (n.type === 'not') {
    const child = (n as { child?: unknown }).child
    return `!(${isGroup(child) ? formatGroupBody(child) : formatTerm(child)})`
  }
  if (isGroup(n)) return `(${formatGroupBody(n)})`
  return formatCondition(n)
}

/**
 * Canonical text of an AST. A root group whose only child is a group loses the redundant outer
 * parentheses (the reference's generateFql does this only when no other parenthesis occurs). An
 * error AST (`{error}`, the reference's parse failure) throws its error, as generateFql does.
 */
export function formatTrigger(ast: TriggerNode | { error: Error }): string {
  if (ast !== null && typeof ast === 'object' && 'error' in ast) throw ast.error
  if (!isGroup(ast)) return formatTerm(ast)
  const children = (ast as { children?: unknown }).children
  if (Array.isArray(children) && children.length === 1 && isGroup(children[0]))
    return formatGroupBody(children[0])
  return formatGroupBody(ast)
}
