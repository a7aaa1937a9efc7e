// One error type for every answer the ingest routes give other than success. The code is the
// contract (tests and clients branch on it); the message is for people and names the problem.

export type IngestErrorCode =
  | 'empty_body'
  | 'invalid_json'
  | 'forbidden_key'
  | 'too_deep'
  | 'not_an_object'
  | 'invalid_encoding'
  | 'unsupported_encoding'
  | 'unsupported_media_type'
  | 'invalid_content_length'
  | 'request_too_large'
  | 'event_too_large'
  | 'missing_write_key'
  | 'invalid_write_key'
  | 'type_mismatch'
  | 'invalid_event'
  | 'invalid_batch'
  | 'empty_batch'
  | 'all_events_rejected'
  | 'forgotten_user'
  | 'bad_request'
  | 'unavailable'
  | 'internal_error'

export class IngestError extends Error {
  override readonly name = 'IngestError'

  constructor(
    readonly statusCode: number,
    readonly code: IngestErrorCode,
    message: string,
    /** Extra fields for the response body (for instance the rejected events of a batch). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message)
  }

  /** True when the client may send the same request again later. */
  get retryable(): boolean {
    return this.statusCode >= 500 || this.statusCode === 429
  }

  toBody(): Record<string, unknown> {
    return { success: false, code: this.code, error: this.message, ...this.details }
  }
}

/** Formats a byte count as Segment documents its limits ("32 KB"), with the exact bytes. */
export function describeBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes} bytes (${bytes / 1024} KB)` : `${bytes} bytes`
}
