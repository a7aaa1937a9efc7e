// The compiled form: every mapping value becomes a closure over the payload.
import { MappingRuntimeError } from './errors.js'

/** A compiled mapping value: resolves against one payload. */
export type Node = (payload: unknown) => unknown

/** A compiled full transform (validation already passed or failed at compile time). */
export type ProgramRunner = (data: unknown) => unknown

export interface CompileContext {
  /**
   * `false` (clean): the node returns the reference's value with `undefined` keys already removed.
   * `true` (exact): keys holding `undefined` are kept, as the reference's resolve step returns them;
   * used where a directive can observe them (`@merge` elements, the `@flatten` value).
   */
  readonly exact: boolean
  /** Compiles a sub-value, in this context's mode unless `exact` is given. */
  compile(value: unknown, exact?: boolean): Node
  /** Compiles a nested full transform (`@transform`'s `apply`). */
  compileProgram(mapping: unknown): ProgramRunner
}

export type DirectiveCompiler = (option: unknown, context: CompileContext) => Node

export function fail(message: string): never {
  throw new MappingRuntimeError(message)
}

/** A node that raises a payload-independent runtime error when (and only when) it is evaluated. */
export function failing(message: string): Node {
  return () => fail(message)
}

export const returnUndefined: Node = () => undefined

/** Reads an option key: own properties of an object only; other option values have no keys. */
export function option(options: unknown, key: string): unknown {
  if (typeof options !== 'object' || options === null || !Object.hasOwn(options, key)) return undefined
  return (options as Record<string, unknown>)[key]
}
