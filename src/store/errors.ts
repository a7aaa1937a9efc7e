// Typed store errors: callers branch on `code`, never on message text.
export type StoreErrorCode =
  | 'invalid_secret_key'
  | 'secret_key_required'
  | 'decrypt_failed'
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'unsupported_schema'
  | 'not_owner'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
  }
}
