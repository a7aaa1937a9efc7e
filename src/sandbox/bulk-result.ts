// Bulk response shapes of spec §4.2: HTTP 200 with successCount/failCount and the failed items
// listed by identifier (emails lower-cased), plus the deprecated top-level mirrors.

import type { Failure, FailureKind } from './identity.js'

const USER_KEYS: readonly FailureKind[] = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds',
  'conflictEmails',
  'conflictUserIds',
  'invalidDataEmails',
  'invalidDataUserIds',
]
const EVENT_KEYS: readonly FailureKind[] = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds',
]

export class BulkResult {
  successCount = 0
  failCount = 0
  private readonly failed = new Map<FailureKind, Set<string>>()
  /** Rejected items by reason, for /_sandbox/stats. */
  readonly reasons: Record<string, number> = {}
  private readonly disallowedNames = new Set<string>()
  noOpEmails: string[] = []
  noOpUserIds: string[] = []

  add(failure: Failure): void {
    this.failCount++
    this.push(failure.kind, failure.identifier)
    if (failure.kind === 'conflictEmails' && failure.conflictUserId !== undefined) {
      this.push('conflictUserIds', failure.conflictUserId)
    }
    this.reasons[failure.kind] = (this.reasons[failure.kind] ?? 0) + 1
  }

  disallowed(eventName: string): void {
    this.failCount++
    this.disallowedNames.add(eventName)
    this.reasons.disallowedEventNames = (this.reasons.disallowedEventNames ?? 0) + 1
  }

  private push(kind: FailureKind, identifier: string): void {
    if (kind === 'conflictEmails' && identifier === '') return
    const set = this.failed.get(kind)
    if (set === undefined) this.failed.set(kind, new Set([identifier]))
    else set.add(identifier)
  }

  list(kind: FailureKind): string[] {
    const set = this.failed.get(kind)
    return set === undefined ? [] : [...set]
  }

  private failedUpdates(keys: readonly FailureKind[]): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const key of keys) out[key] = this.list(key)
    // Kinds outside the documented shape (e.g. conflicts in trackBulk) still appear when used.
    for (const key of this.failed.keys()) if (!(key in out)) out[key] = this.list(key)
    return out
  }

  usersBody(createdFields: string[], filteredOutFields: string[]): Record<string, unknown> {
    const body: Record<string, unknown> = {
      successCount: this.successCount,
      failCount: this.failCount,
      createdFields,
      filteredOutFields,
      invalidEmails: this.list('invalidEmails'),
      invalidUserIds: this.list('invalidUserIds'),
      failedUpdates: this.failedUpdates(USER_KEYS),
    }
    if (this.noOpEmails.length > 0 || this.noOpUserIds.length > 0) {
      body.noOpEmails = this.noOpEmails
      body.noOpUserIds = this.noOpUserIds
    }
    return body
  }

  eventsBody(createdFields: string[], filteredOutFields: string[]): Record<string, unknown> {
    return {
      successCount: this.successCount,
      failCount: this.failCount,
      createdFields,
      filteredOutFields,
      disallowedEventNames: [...this.disallowedNames],
      invalidEmails: this.list('invalidEmails'),
      invalidUserIds: this.list('invalidUserIds'),
      failedUpdates: this.failedUpdates(EVENT_KEYS),
    }
  }
}
