// The rejections a batch answer lists. An answer must never be larger than its request: at most
// MAX_LISTED_REJECTIONS entries, and no more bytes of them than the request had (less room for the
// rest of the answer), since a tiny bad event (`{}`, 3 bytes) can earn a long message. A small
// request still gets its first rejections (LISTED_BYTES_FLOOR): an answer of a kilobyte amplifies
// nothing. The count covers every rejection, listed or not.

/** A batch answer lists at most this many rejections (the first ones). */
export const MAX_LISTED_REJECTIONS = 100

/**
 * Bytes kept for the rest of the answer (`success`, `code`, `error`, `rejectedCount`): the list
 * gets the request's size less this.
 */
export const ANSWER_ENVELOPE_BYTES = 256

/** Bytes of rejections any answer may list, however small its request. */
export const LISTED_BYTES_FLOOR = 1024

export interface Rejection {
  index: number
  messageId: string | null
  error: string
}

export class RejectionList {
  readonly listed: Rejection[] = []
  count = 0
  private readonly budget: number
  private listedBytes = 2 // the brackets
  private full = false

  /** `requestBytes`: the request's size; without it only the number of entries is bounded. */
  constructor(requestBytes?: number) {
    this.budget =
      requestBytes === undefined
        ? Infinity
        : Math.max(requestBytes - ANSWER_ENVELOPE_BYTES, LISTED_BYTES_FLOOR)
  }

  add(rejection: Rejection): void {
    this.count++
    if (this.full) return
    const bytes = Buffer.byteLength(JSON.stringify(rejection)) + 1 // and its comma
    // The first ones, in order: once one does not fit, none after it is listed.
    if (this.listed.length >= MAX_LISTED_REJECTIONS || this.listedBytes + bytes > this.budget) {
      this.full = true
      return
    }
    this.listed.push(rejection)
    this.listedBytes += bytes
  }
}
