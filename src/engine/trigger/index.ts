// The trigger (subscription) language: Segment's FQL subset with the D8 fixes.
// compileTrigger(text) parses once and returns a closure-based predicate.

import type { TriggerAst } from './ast.js'
import { compileAst } from './compile.js'
import { formatTrigger } from './format.js'
import { parseTriggerWithWarnings } from './parser.js'

export * from './ast.js'
export { TriggerSyntaxError, TriggerAstError } from './errors.js'
export { parseTrigger, parseTriggerWithWarnings, MAX_NESTING, type ParseResult } from './parser.js'
export { formatTrigger } from './format.js'
export { compileAst as compileTriggerAst } from './compile.js'

/** A compiled trigger: call it with an event; the extra properties describe the trigger. */
export interface CompiledTrigger {
  (event: unknown): boolean
  /** The text as given. */
  readonly source: string
  /** The canonical text (formatTrigger of the AST). */
  readonly canonical: string
  readonly ast: TriggerAst
  /** Accepted constructs worth a look (e.g. `and`/`or` mixed without parentheses, which Segment reads differently). */
  readonly warnings: readonly string[]
}

/** Parses trigger text once into a predicate; throws TriggerSyntaxError (code TRIGGER_SYNTAX) naming the position. */
export function compileTrigger(text: string): CompiledTrigger {
  const { ast, warnings } = parseTriggerWithWarnings(text)
  const predicate = compileAst(ast)
  return Object.assign(predicate, {
    source: text,
    canonical: formatTrigger(ast),
    ast,
    warnings: Object.freeze(warnings),
  })
}
