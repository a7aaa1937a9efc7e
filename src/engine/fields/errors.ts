// The typed error for an invalid payload. Its message is the reference's AggregateAjvError text;
// the policy is "do not retry" (status 400, code PAYLOAD_VALIDATION_FAILED).

import type { FieldError } from './messages.js'

export class PayloadValidationError extends Error {
  override readonly name = 'AggregateAjvError'
  readonly status = 400
  readonly code = 'PAYLOAD_VALIDATION_FAILED'
  readonly retryable = false

  constructor(
    message: string,
    readonly errors: readonly FieldError[],
  ) {
    super(message)
  }
}
