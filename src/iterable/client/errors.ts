/** Codes of configuration errors raised when an `IterableClient` is built. */
export type IterableClientErrorCode =
  'MISSING_API_KEY' | 'INVALID_BASE_URL' | 'UNKNOWN_REGION' | 'INVALID_OPTION'

/**
 * A mistake in how the client is configured (thrown by the constructor, never by `send`).
 * Its message never contains the API key.
 */
export class IterableClientConfigError extends Error {
  override readonly name = 'IterableClientConfigError'
  readonly policy = 'drop'

  constructor(
    readonly code: IterableClientErrorCode,
    message: string,
  ) {
    super(message)
  }
}
