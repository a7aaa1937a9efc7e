// GET /_sandbox/stats: per documented route path, requests by HTTP status, accepted items and
// rejected items by reason code. Items are users updated, events tracked, carts, purchases.

import type { Tally } from './context.js'

interface EndpointStats {
  requests: Record<string, number>
  accepted: number
  rejected: Record<string, number>
}

export class SandboxStats {
  private endpoints: Record<string, EndpointStats> = {}

  record(path: string, status: number, tally: Tally | undefined): void {
    let entry = this.endpoints[path]
    if (entry === undefined) {
      entry = { requests: {}, accepted: 0, rejected: {} }
      this.endpoints[path] = entry
    }
    const key = String(status)
    entry.requests[key] = (entry.requests[key] ?? 0) + 1
    if (tally === undefined) return
    entry.accepted += tally.accepted
    for (const reason in tally.rejected)
      entry.rejected[reason] = (entry.rejected[reason] ?? 0) + tally.rejected[reason]
  }

  snapshot(): { endpoints: Record<string, EndpointStats> } {
    return structuredClone({ endpoints: this.endpoints })
  }

  reset(): void {
    this.endpoints = {}
  }
}
