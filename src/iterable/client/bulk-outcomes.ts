import { classifyResponse } from './classify.js'
import type { BulkItem, BulkKind, BulkResponse } from './bulk-types.js'
import { isFieldTypeMismatch, locateMismatchedItems, FIELD_TYPES_MISMATCHED } from './mismatch.js'
import type { FieldTypeError } from './mismatch.js'
import type { IterableOutcome } from './outcome.js'

/** Lists of a 2xx bulk answer that name failed identifiers (plus the mismatch narrowing reason). */
export type BulkFailureReason =
  | 'invalidEmails'
  | 'invalidUserIds'
  | 'invalidDataEmails'
  | 'invalidDataUserIds'
  | 'forgottenEmails'
  | 'forgottenUserIds'
  | 'conflictEmails'
  | 'conflictUserIds'
  | 'disallowedEventNames'
  | 'notFoundEmails'
  | 'notFoundUserIds'
  | typeof FIELD_TYPES_MISMATCHED

export interface BulkItemOutcome extends IterableOutcome {
  /** Why this item failed although others in the request may not have. */
  readonly reason?: BulkFailureReason
  /**
   * After a 400 `RequestFieldsTypesMismatched`, for the items that did not cause it: `batch` =
   * re-send them together now (the offenders are dropped), `split` = the offenders are unknown, split
   * the batch and re-send the halves.
   */
  readonly resend?: 'batch' | 'split'
}

interface ListRule {
  readonly reason: BulkFailureReason
  readonly identifier: 'email' | 'userId' | 'eventName'
  readonly kind: 'permanent' | 'retryable'
  readonly errorCode: string
  readonly what: string
  /**
   * Only for the identifier Iterable keyed the item on (email when present, else userId): lookups
   * and data problems are per item, while a malformed, forgotten or conflicting identifier is bad
   * wherever it appears.
   */
  readonly keyedOnly?: true
}

/**
 * Checked in this order; an item listed in several lists takes the first, so a permanent reason
 * wins over `notFound*` (retrying cannot fix an invalid email).
 */
const RULES: readonly ListRule[] = [
  {
    reason: 'invalidEmails',
    identifier: 'email',
    kind: 'permanent',
    errorCode: 'BAD_REQUEST',
    what: 'invalid email',
  },
  {
    reason: 'invalidUserIds',
    identifier: 'userId',
    kind: 'permanent',
    errorCode: 'BAD_REQUEST',
    what: 'invalid userId',
  },
  {
    reason: 'invalidDataEmails',
    identifier: 'email',
    kind: 'permanent',
    errorCode: 'BAD_REQUEST',
    what: 'invalid data fields',
    keyedOnly: true,
  },
  {
    reason: 'invalidDataUserIds',
    identifier: 'userId',
    kind: 'permanent',
    errorCode: 'BAD_REQUEST',
    what: 'invalid data fields',
    keyedOnly: true,
  },
  {
    reason: 'forgottenEmails',
    identifier: 'email',
    kind: 'permanent',
    errorCode: 'CONFLICT',
    what: 'forgotten user (GDPR)',
  },
  {
    reason: 'forgottenUserIds',
    identifier: 'userId',
    kind: 'permanent',
    errorCode: 'CONFLICT',
    what: 'forgotten user (GDPR)',
  },
  {
    reason: 'conflictEmails',
    identifier: 'email',
    kind: 'permanent',
    errorCode: 'CONFLICT',
    what: 'email/userId conflict',
  },
  {
    reason: 'conflictUserIds',
    identifier: 'userId',
    kind: 'permanent',
    errorCode: 'CONFLICT',
    what: 'email/userId conflict',
  },
  {
    reason: 'disallowedEventNames',
    identifier: 'eventName',
    kind: 'permanent',
    errorCode: 'FORBIDDEN',
    what: 'event name disallowed in this project',
  },
  {
    reason: 'notFoundEmails',
    identifier: 'email',
    kind: 'retryable',
    errorCode: 'NOT_FOUND',
    what: 'user not found',
    keyedOnly: true,
  },
  {
    reason: 'notFoundUserIds',
    identifier: 'userId',
    kind: 'retryable',
    errorCode: 'NOT_FOUND',
    what: 'user not found',
    keyedOnly: true,
  },
]
const RANK = new Map<BulkFailureReason, number>(RULES.map((rule, index) => [rule.reason, index]))

/**
 * One outcome per item of a bulk request (D7), in item order.
 *
 * 2xx: an item fails when one of its identifiers is listed in `failedUpdates.*` or the deprecated
 * top-level `invalidEmails`/`invalidUserIds`, or (events) its `eventName` is in
 * `disallowedEventNames`. Emails compare case-insensitively, userIds and event names exactly. A
 * failure listed for an identifier applies to every item with that identifier. Items with both an
 * email and a userId: Iterable keys the item on its email, so `notFound*` and `invalidData*` (about
 * the item) match the email only, while `invalid*`, `forgotten*` and `conflict*` (about an
 * identifier, bad wherever it appears) match either identifier.
 * `notFound*` is retryable (the identify that creates the user may still be on its way; the caller
 * bounds the window); every other reason is permanent.
 *
 * Non-2xx: every item gets the request's outcome, except for a 400 `RequestFieldsTypesMismatched`,
 * which is narrowed to the offending items (see `locateMismatchedItems`).
 */
export function bulkOutcomes(
  kind: BulkKind,
  items: readonly BulkItem[],
  response: BulkResponse,
): BulkItemOutcome[] {
  const outcome =
    response.outcome ?? classifyResponse(response.status, response.body, response.headers ?? {}, Date.now())
  if (outcome.kind === 'success') return partialFailures(kind, items, response, outcome)
  if (isFieldTypeMismatch(response)) return narrowMismatch(kind, items, response, outcome)
  return items.map(() => outcome)
}

function partialFailures(
  kind: BulkKind,
  items: readonly BulkItem[],
  response: BulkResponse,
  success: IterableOutcome,
): BulkItemOutcome[] {
  const body = asRecord(response.body)
  const failed = asRecord(body?.failedUpdates)
  const byEmail = new Map<string, BulkFailureReason>()
  // userId lists split by whether they also apply to items that carry an email.
  const byUserId = new Map<string, BulkFailureReason>()
  const byKeyedUserId = new Map<string, BulkFailureReason>()
  const byEventName = new Map<string, BulkFailureReason>()
  let any = false
  for (const rule of RULES) {
    if (rule.identifier === 'eventName' && kind !== 'events') continue
    const target =
      rule.identifier === 'email'
        ? byEmail
        : rule.identifier === 'eventName'
          ? byEventName
          : rule.keyedOnly
            ? byKeyedUserId
            : byUserId
    // Deprecated top-level mirrors exist only for the invalid lists; disallowedEventNames is top-level.
    const sources =
      rule.identifier === 'eventName'
        ? [body?.disallowedEventNames]
        : rule.reason === 'invalidEmails' || rule.reason === 'invalidUserIds'
          ? [failed?.[rule.reason], body?.[rule.reason]]
          : [failed?.[rule.reason]]
    for (const list of sources) {
      if (!Array.isArray(list)) continue
      for (const entry of list) {
        const key = rule.identifier === 'email' ? emailKey(entry) : stringKey(entry)
        if (key === undefined || target.has(key)) continue
        target.set(key, rule.reason)
        any = true
      }
    }
  }
  if (!any) return items.map(() => success)

  const failures = new Map<BulkFailureReason, BulkItemOutcome>()
  return items.map((item) => {
    let reason: BulkFailureReason | undefined
    const email = emailKey(item.email)
    if (email !== undefined) reason = byEmail.get(email)
    const userId = stringKey(item.userId)
    if (userId !== undefined) {
      reason = worst(reason, byUserId.get(userId))
      if (email === undefined) reason = worst(reason, byKeyedUserId.get(userId))
    }
    if (kind === 'events') {
      const eventName = stringKey(item.eventName)
      if (eventName !== undefined) reason = worst(reason, byEventName.get(eventName))
    }
    if (reason === undefined) return success
    let failure = failures.get(reason)
    if (failure === undefined) {
      failure = itemFailure(reason, response.status)
      failures.set(reason, failure)
    }
    return failure
  })
}

function itemFailure(reason: BulkFailureReason, status: number): BulkItemOutcome {
  const rule = RULES[RANK.get(reason)!]
  const list = rule.reason === 'disallowedEventNames' ? reason : `failedUpdates.${reason}`
  return {
    kind: rule.kind,
    policy: rule.kind === 'retryable' ? 'retry' : 'drop',
    code: reason,
    errorCode: rule.errorCode,
    status,
    message: `Iterable did not apply this item: ${rule.what} (listed in ${list})`,
    reason,
  }
}

function narrowMismatch(
  kind: BulkKind,
  items: readonly BulkItem[],
  response: BulkResponse,
  outcome: IterableOutcome,
): BulkItemOutcome[] {
  const located = locateMismatchedItems(kind, items, response)
  if (located === null) {
    // A single item is necessarily the offender; otherwise split to find it.
    if (items.length === 1) return [{ ...outcome, reason: FIELD_TYPES_MISMATCHED }]
    const split = resendOutcome(outcome, 'split')
    return items.map(() => split)
  }
  const result: BulkItemOutcome[] = new Array<BulkItemOutcome>(items.length).fill(
    resendOutcome(outcome, 'batch'),
  )
  for (const { index, error } of located) result[index] = offenderOutcome(outcome, error)
  return result
}

function offenderOutcome(outcome: IterableOutcome, error: FieldTypeError): BulkItemOutcome {
  return {
    ...outcome,
    kind: 'permanent',
    policy: 'drop',
    code: FIELD_TYPES_MISMATCHED,
    message: mismatchMessage(error, []),
    reason: FIELD_TYPES_MISMATCHED,
    field: error.field,
  }
}

/**
 * The permanent outcome of an item that `FieldTypeMemory.screen` kept back: the same code as an
 * offender of a real 400 `RequestFieldsTypesMismatched`, but status 0 and a message that says it was
 * not sent and when Iterable refused that field type (`learnedAt`, epoch ms).
 */
export function screenedMismatchOutcome(error: FieldTypeError, learnedAt: number): BulkItemOutcome {
  const at = new Date(learnedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    kind: 'permanent',
    policy: 'drop',
    code: FIELD_TYPES_MISMATCHED,
    errorCode: 'BAD_REQUEST',
    status: 0,
    message: `Not sent: Iterable refused this field type at ${at}. ${mismatchMessage(error, [])}`,
    reason: FIELD_TYPES_MISMATCHED,
    field: error.field,
  }
}

function mismatchMessage(error: FieldTypeError, notes: readonly string[]): string {
  const details = error.expectedType !== undefined ? [`stored type: ${error.expectedType}`, ...notes] : notes
  const suffix = details.length > 0 ? ` (${details.join('; ')})` : ''
  return `Field '${error.field}' has a value whose type does not match the field in Iterable${suffix}`
}

function resendOutcome(outcome: IterableOutcome, resend: 'batch' | 'split'): BulkItemOutcome {
  return {
    kind: 'retryable',
    policy: 'retry',
    code: 'RESEND',
    errorCode: outcome.errorCode,
    status: outcome.status,
    message:
      resend === 'batch'
        ? 'Iterable refused the batch for field types of other items; re-send without them'
        : 'Iterable refused the batch for field types it did not attribute to an item; split and re-send',
    ...(outcome.iterableCode !== undefined ? { iterableCode: outcome.iterableCode } : {}),
    retryAfterMs: 0,
    resend,
  }
}

function worst(
  a: BulkFailureReason | undefined,
  b: BulkFailureReason | undefined,
): BulkFailureReason | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return RANK.get(a)! <= RANK.get(b)! ? a : b
}

/** Iterable stores and reports emails lower-cased. Empty strings identify nobody. */
function emailKey(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined
}

function stringKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
