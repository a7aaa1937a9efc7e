// Typed errors of the mapping language. Messages are the reference's (mapping-kit) own texts,
// so they can be shown to users exactly as Segment shows them.

/** The mapping itself is invalid (reference validate.ts); raised once, when it is compiled. */
export class MappingValidationError extends Error {
  readonly code = 'MAPPING_INVALID'
  /** Every validation message, in the reference's order. */
  readonly messages: readonly string[]

  constructor(messages: readonly string[]) {
    super(messages.join('\n'))
    this.name = 'MappingValidationError'
    this.messages = messages
  }
}

/** Evaluating a valid mapping against one event failed (a runtime-only check, a bad input, Liquid). */
export class MappingRuntimeError extends Error {
  readonly code = 'MAPPING_RUNTIME'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MappingRuntimeError'
  }
}
