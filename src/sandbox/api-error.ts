// The one error type of the sandbox: an Iterable API answer that is not a success. Handlers throw
// it; the app's error handler turns it into Iterable's `{msg, code, params}` envelope.

export type ApiErrorCode =
  | 'BadApiKey'
  | 'BadJsonBody'
  | 'BadParams'
  | 'BatchTooLarge'
  | 'EmailAlreadyExists'
  | 'ExternalKeyConflict'
  | 'ForgottenUserError'
  | 'GenericError'
  | 'InvalidEmailAddressError'
  | 'InvalidUserIdError'
  | 'NotFound'
  | 'RateLimitExceeded'
  | 'RequestFieldsTypesMismatched'
  | 'UniqueFieldsLimitExceeded'
  | 'UnknownEmailError'
  | 'UnknownUserIdError'
  | 'UserIdAlreadyExists'
  | 'Success'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly msg: string,
    readonly params: Record<string, unknown> | null = null,
    /** Code counted in `/_sandbox/stats` (differs from `code` only for quirks like code "Success" on a 400). */
    readonly reason: string = code,
  ) {
    super(`${status} ${code}: ${msg}`)
    this.name = 'ApiError'
  }

  body(): Record<string, unknown> {
    // The documented 429 body has no `params` key.
    if (this.code === 'RateLimitExceeded') return { msg: this.msg, code: this.code }
    return { msg: this.msg, code: this.code, params: this.params }
  }
}

export const rateLimitError = (): ApiError => new ApiError(429, 'RateLimitExceeded', 'Exceeded rate limit.')

/**
 * Over a daily cap (forget, unforget: 1,000 a day per project). ⚠ Iterable documents the cap, not
 * its answer: a 429 like the per-second limit's, with a message that names the cap.
 */
export const dailyCapError = (cap: number): ApiError =>
  new ApiError(429, 'RateLimitExceeded', `Exceeded daily limit of ${cap} requests.`)

export const badParams = (msg: string, params: Record<string, unknown> | null = null): ApiError =>
  new ApiError(400, 'BadParams', msg, params)

export const invalidEmail = (email: string, label = 'email'): ApiError =>
  new ApiError(400, 'InvalidEmailAddressError', `Invalid ${label}: ${email}`)

export const forgottenUser = (): ApiError =>
  new ApiError(409, 'ForgottenUserError', 'Contact is GDPR forgotten')

/** Thrown when sandbox options (flags, projects file, runtime config) are wrong. */
export class SandboxConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SandboxConfigError'
  }
}
