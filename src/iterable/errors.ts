// Typed errors of the destination. Each carries a stable `code`; callers decide policy from the
// class/code, never from the message text.

/** Destination settings that cannot be used (unknown region, missing API key …). */
export class SettingsValidationError extends Error {
  readonly code = 'INVALID_SETTINGS'
  constructor(
    message: string,
    /** The setting at fault, when there is one. */
    readonly setting?: string,
  ) {
    super(message)
    this.name = 'SettingsValidationError'
  }
}

/** A destination with more mappings than allowed. */
export class MappingLimitError extends Error {
  readonly code = 'TOO_MANY_MAPPINGS'
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`A destination can have at most ${limit} mappings; this one has ${count}.`)
    this.name = 'MappingLimitError'
  }
}
