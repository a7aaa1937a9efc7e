// Recursive-descent parser of the trigger language (D8 grammar):
//
//   trigger    := or-expr EOF
//   or-expr    := and-expr { "or" and-expr }
//   and-expr   := unary { "and" unary }
//   unary      := ("not" | "!") unary | primary
//   primary    := "(" or-expr ")" | function | condition
//   function   := ("contains" | "match") "(" field "," literal ")"
//   condition  := field operator literal
//
// `not`/`!` directly before a function call gives the reference's negated function
// (`!contains` → not_contains, false when the field is not a string); before anything else it
// is a logical `not` node. Node contents follow the reference's table (§2.3).

import {
  PATH_ROOTS,
  TOP_LEVEL_FIELDS,
  isPathRoot,
  isTopLevelField,
  nodeTypeOfField,
  type ConditionNode,
  type Operator,
  type PathRoot,
  type TopLevelField,
  type TriggerAst,
  type TriggerNode,
  type TriggerValue,
} from './ast.js'
import { TriggerSyntaxError, lineAndColumn } from './errors.js'
import { Lexer, describeToken, type Token } from './lexer.js'

/** Deeper nesting (parentheses or negations) is rejected to keep parsing and evaluation off the stack limit. */
export const MAX_NESTING = 500

export interface ParseResult {
  ast: TriggerAst
  /** Accepted but worth a look: constructs Segment reads differently, conditions that can never be true. */
  warnings: string[]
}

const KEYWORDS = ['and', 'or', 'not', 'true', 'false', 'null', 'contains', 'match']
const TERM = 'a condition (a field name), "not", "!", "(", "contains" or "match"'
const FIELD = `a field name (${TOP_LEVEL_FIELDS.join(', ')}, or a path under ${Object.keys(PATH_ROOTS).join(', ')})`
const OPERATOR = 'an operator (=, ==, !=, <, <=, >, >=)'
const VALUE = 'a value (a quoted string, a number, true, false or null)'

type Field = { kind: 'top'; field: TopLevelField } | { kind: 'path'; root: PathRoot; name: string }
type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }

function isKeyword(token: Token, keyword: string): boolean {
  return (
    token.kind === 'word' && !token.escaped && token.segments?.length === 1 && token.segments[0] === keyword
  )
}

function literalText(literal: Literal): string {
  return literal.kind === 'null' ? 'null' : String(literal.value)
}

class Parser {
  private readonly lexer: Lexer
  private depth = 0
  readonly warnings: string[] = []

  constructor(private readonly source: string) {
    this.lexer = new Lexer(source)
  }

  parseTrigger(): TriggerAst {
    const node = this.parseOr()
    const rest = this.lexer.peek()
    if (rest.kind !== 'eof') this.fail(rest, '"and", "or" or end of trigger')
    return node.type === 'group' ? node : { type: 'group', operator: 'and', children: [node] }
  }

  private parseOr(): TriggerNode {
    const conjunctions: Token[] = []
    const parts = [this.parseAnd(conjunctions)]
    let sawOr = false
    while (isKeyword(this.lexer.peek(), 'or')) {
      conjunctions.push(this.lexer.next())
      sawOr = true
      parts.push(this.parseAnd(conjunctions))
    }
    if (sawOr && conjunctions.some((t) => isKeyword(t, 'and'))) this.warnMixed(conjunctions)
    return parts.length === 1 ? parts[0] : { type: 'group', operator: 'or', children: parts }
  }

  private parseAnd(conjunctions: Token[]): TriggerNode {
    const terms = [this.parseUnary()]
    while (isKeyword(this.lexer.peek(), 'and')) {
      conjunctions.push(this.lexer.next())
      terms.push(this.parseUnary())
    }
    return terms.length === 1 ? terms[0] : { type: 'group', operator: 'and', children: terms }
  }

  private parseUnary(): TriggerNode {
    const token = this.lexer.peek()
    if (token.kind !== 'bang' && !isKeyword(token, 'not')) return this.parsePrimary()
    this.lexer.next()
    if (this.isFunctionName(this.lexer.peek())) return this.parseFunction(true)
    this.enter(token)
    const child = this.parseUnary()
    this.depth--
    return { type: 'not', child }
  }

  private parsePrimary(): TriggerNode {
    const token = this.lexer.peek()
    if (token.kind === '(') {
      this.lexer.next()
      this.enter(token)
      const inner = this.parseOr()
      this.expect(')', '"and", "or" or ")"')
      this.depth--
      return inner
    }
    if (this.isFunctionName(token)) return this.parseFunction(false)
    if (token.kind === 'word') return this.parseCondition()
    return this.fail(token, TERM)
  }

  private parseCondition(): ConditionNode {
    const field = this.parseField()
    const opToken = this.lexer.peek()
    if (opToken.kind !== 'operator') this.fail(opToken, OPERATOR)
    this.lexer.next()
    const valueToken = this.lexer.peek()
    const literal = this.parseLiteral()
    const op = opToken.value as '=' | '!=' | '<' | '<=' | '>' | '>='
    if (op !== '=' && op !== '!=') this.checkComparison(opToken, literal, valueToken)
    else if (field.kind === 'top' && literal.kind === 'number') {
      this.warn(
        valueToken,
        `top-level fields compare numbers as text (as in Segment): "${field.field} ${opToken.raw} ${valueToken.raw}" ` +
          `tests the string "${literal.value}" and never equals the number ${literal.value}`,
      )
    }
    return field.kind === 'top'
      ? topLevelCondition(field.field, op, literal)
      : pathCondition(field, op, literal)
  }

  private parseFunction(negated: boolean): ConditionNode {
    const nameToken = this.lexer.next()
    const fn = nameToken.segments[0] === 'match' ? 'match' : 'contains'
    this.expect('(', '"(" after ' + fn)
    const field = this.parseField()
    this.expect(',', `"," and the ${fn === 'match' ? 'pattern' : 'text to look for'}`)
    const valueToken = this.lexer.peek()
    const ok = valueToken.kind === 'string' || (fn === 'contains' && valueToken.kind === 'number')
    if (!ok)
      this.fail(
        valueToken,
        fn === 'match' ? 'a quoted pattern ("prefix*" or "*suffix")' : 'a quoted string or a number',
      )
    this.lexer.next()
    this.expect(')', '")"')
    const text = String(valueToken.value)
    let operator: Operator
    let value: string
    if (fn === 'contains') {
      operator = negated ? 'not_contains' : 'contains'
      value = text
    } else if (text.endsWith('*')) {
      // The reference's reading (§2.4): a trailing * means "starts with" everything before it …
      operator = negated ? 'not_starts_with' : 'starts_with'
      value = text.slice(0, -1)
      if (text.length > 1 && text.startsWith('*')) {
        this.warn(
          valueToken,
          `match pattern ${valueToken.raw} is read as starts-with ${JSON.stringify(value)} (as Segment does); to test for a substring use contains()`,
        )
      }
    } else {
      // … anything else means "ends with" the pattern minus its first character (meant to be the leading *).
      operator = negated ? 'not_ends_with' : 'ends_with'
      value = text.slice(1)
      if (!text.startsWith('*')) {
        this.warn(
          valueToken,
          `match pattern ${valueToken.raw} has no "*": like Segment it is read as ends-with ${JSON.stringify(value)} (the first character is dropped); write "*${text}" or "${text}*"`,
        )
      }
    }
    return field.kind === 'top'
      ? { type: nodeTypeOfField(field.field), operator, value }
      : { type: PATH_ROOTS[field.root], name: field.name, operator, value }
  }

  private parseField(): Field {
    const token = this.lexer.peek()
    if (token.kind !== 'word') return this.fail(token, FIELD)
    const [root, ...rest] = token.segments
    if (isTopLevelField(root)) {
      if (rest.length > 0) this.fail(token, FIELD, `"${root}" is a top-level value and has no sub-fields`)
      this.lexer.next()
      return { kind: 'top', field: root }
    }
    if (isPathRoot(root)) {
      this.lexer.next()
      if (rest.length === 0) {
        return this.fail(this.lexer.peek(), `"." and a path after "${root}" (e.g. ${root}.plan)`)
      }
      return { kind: 'path', root, name: rest.join('.') }
    }
    return this.fail(token, FIELD)
  }

  private parseLiteral(): Literal {
    const token = this.lexer.peek()
    let literal: Literal | undefined
    if (token.kind === 'string') literal = { kind: 'string', value: token.value as string }
    else if (token.kind === 'number') literal = { kind: 'number', value: token.value as number }
    else if (isKeyword(token, 'true')) literal = { kind: 'boolean', value: true }
    else if (isKeyword(token, 'false')) literal = { kind: 'boolean', value: false }
    else if (isKeyword(token, 'null')) literal = { kind: 'null' }
    if (!literal) return this.fail(token, VALUE)
    this.lexer.next()
    return literal
  }

  private isFunctionName(token: Token): boolean {
    return isKeyword(token, 'contains') || isKeyword(token, 'match')
  }

  private expect(kind: Token['kind'], expected: string): Token {
    const token = this.lexer.peek()
    if (token.kind !== kind) this.fail(token, expected)
    return this.lexer.next()
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING) {
      this.fail(token, `at most ${MAX_NESTING} nested parentheses or negations`)
    }
  }

  private fail(token: Token, expected: string, hint?: string): never {
    throw new TriggerSyntaxError(
      this.source,
      token.start,
      describeToken(token),
      expected,
      hint ?? caseHint(token),
    )
  }

  private warn(token: Token, text: string): void {
    const { line, column } = lineAndColumn(this.source, token.start)
    this.warnings.push(`line ${line}, column ${column}: ${text}`)
  }

  /** `<`, `<=`, `>`, `>=` only ever match numbers: a value that is no number is rejected (never true in Segment). */
  private checkComparison(opToken: Token, literal: Literal, valueToken: Token): void {
    if (literal.kind === 'number') return
    if (literal.kind === 'string' && literal.value.trim() !== '' && !Number.isNaN(Number(literal.value)))
      return
    this.fail(valueToken, `a number after "${opToken.raw}" (comparisons only match numbers)`)
  }

  private warnMixed(conjunctions: Token[]): void {
    const last = conjunctions[conjunctions.length - 1].raw
    this.warn(
      conjunctions[0],
      `"and" and "or" are mixed without parentheses. This project gives "and" precedence over "or", but ` +
        `Segment has no precedence and joins every condition of the level with the last operator ("${last}"), ` +
        'so Segment reads this trigger differently. Add parentheses to make the intent explicit',
    )
  }
}

/** For a word that only differs in case from a keyword or field, suggest the right spelling. */
function caseHint(token: Token): string | undefined {
  if (token.kind !== 'word') return undefined
  const root = token.segments[0]
  const lower = root.toLowerCase()
  const match = [...KEYWORDS, ...TOP_LEVEL_FIELDS, ...Object.keys(PATH_ROOTS)].find(
    (k) => k.toLowerCase() === lower,
  )
  return match && match !== root
    ? `Names and keywords are case-sensitive: did you mean "${match}"?`
    : undefined
}

/** §2.3 for type/event/name/userId; the new top-level fields behave like userId. */
function topLevelCondition(field: TopLevelField, op: Operator, literal: Literal): ConditionNode {
  const type = nodeTypeOfField(field)
  const special = field !== 'type' && field !== 'event'
  if (special && literal.kind === 'null' && (op === '=' || op === '!=')) {
    return { type, operator: op === '=' ? 'not_exists' : 'exists' }
  }
  if (special && field !== 'name' && literal.kind === 'boolean' && op === '=') {
    return { type, operator: literal.value ? 'is_true' : 'is_false' }
  }
  return { type, operator: op, value: literalText(literal) }
}

/** §2.3 for properties/traits/context (and integrations, which behaves the same). */
function pathCondition(
  field: { root: PathRoot; name: string },
  op: Operator,
  literal: Literal,
): ConditionNode {
  const type = PATH_ROOTS[field.root]
  const name = field.name
  if (literal.kind === 'null' && (op === '=' || op === '!=')) {
    return { type, name, operator: op === '=' ? 'not_exists' : 'exists' }
  }
  if (literal.kind === 'boolean' && op === '=')
    return { type, name, operator: literal.value ? 'is_true' : 'is_false' }
  if (literal.kind === 'number' && (op === '=' || op === '!=')) {
    return { type, name, operator: op === '=' ? 'number_equals' : 'number_not_equals', value: literal.value }
  }
  const value: TriggerValue = literal.kind === 'null' ? 'null' : literal.value
  return { type, name, operator: op, value }
}

export function parseTriggerWithWarnings(source: string): ParseResult {
  if (typeof source !== 'string') throw new TypeError('A trigger must be a string')
  const parser = new Parser(source)
  const ast = parser.parseTrigger()
  return { ast, warnings: parser.warnings }
}

/** Parses trigger text into the AST; throws TriggerSyntaxError naming the position. */
export function parseTrigger(source: string): TriggerAst {
  return parseTriggerWithWarnings(source).ast
}
