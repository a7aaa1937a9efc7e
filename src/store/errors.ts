// Typed store errors: callers branch on `code`, never on message text.
export type StoreErrorCode =
  | 'invalid_secret_key'
  | 'secret_key_required'
  | 'decrypt_failed'
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'unsupported_schema'
  /** Another owner holds the destination's delivery lease now. */
  | 'not_owner'
  /** The store cannot take work now (disk full, database unreachable or restarting): try again later. */
  | 'unavailable'
  /** The SQLite data folder cannot be created, is not a folder, or cannot be written. */
  | 'unusable_data_folder'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
  }
}

/**
 * True when `error` says the store cannot take work right now (a full disk, a database that is away),
 * as opposed to a problem with the request: waiting and trying again is the remedy.
 */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'unavailable'
}
