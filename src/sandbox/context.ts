// What an endpoint handler gets: the project addressed by the API key, the behaviour switches,
// the request time and the per-request item tally that feeds /_sandbox/stats.

import type { BehaviourOptions } from './options.js'
import type { ProjectState } from './state.js'

export interface Tally {
  accepted: number
  rejected: Record<string, number>
  /** Items in the request (counted as rejected under the error code when the whole request fails). */
  items: number
}

export interface OpContext {
  project: ProjectState
  behaviour: BehaviourOptions
  /** Request time, epoch milliseconds. */
  now: number
  tally: Tally
}

export function newTally(): Tally {
  return { accepted: 0, rejected: {}, items: 0 }
}

export function addRejected(tally: Tally, reasons: Record<string, number>): void {
  for (const key in reasons) tally.rejected[key] = (tally.rejected[key] ?? 0) + reasons[key]
}

export const SUCCESS = { msg: '', code: 'Success', params: null } as const
