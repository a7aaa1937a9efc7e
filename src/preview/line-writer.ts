// Serialises a preview line exactly as JSON.stringify would, but with the constant parts (mapping
// head, method, URL, headers) serialised once per run: only bodies are stringified per event.
import type { PreviewRequest, PreviewResult } from './types.js'

export class LineWriter {
  readonly #requestPrefixes = new Map<string, string>()
  /** By mapping name, then action (and destination when named): no key string built per event. */
  readonly #resultPrefixes = new Map<string, Map<string, string>>()

  #requestPrefix(request: PreviewRequest): string {
    let prefix = this.#requestPrefixes.get(request.url)
    if (prefix === undefined) {
      const head = JSON.stringify({ method: request.method, url: request.url, headers: request.headers })
      prefix = head.slice(0, -1) + ',"body":'
      this.#requestPrefixes.set(request.url, prefix)
    }
    return prefix
  }

  #resultPrefix(result: PreviewResult): string {
    let byAction = this.#resultPrefixes.get(result.mapping)
    if (byAction === undefined) {
      byAction = new Map()
      this.#resultPrefixes.set(result.mapping, byAction)
    }
    const key =
      result.destination === undefined ? result.action : `${result.action}\u0000${result.destination}`
    let prefix = byAction.get(key)
    if (prefix === undefined) {
      const head =
        result.destination === undefined
          ? { mapping: result.mapping, action: result.action }
          : { destination: result.destination, mapping: result.mapping, action: result.action }
      prefix = JSON.stringify(head).slice(0, -1) + ',"requests":['
      byAction.set(key, prefix)
    }
    return prefix
  }

  /** `JSON.stringify({messageId, results})`, built from cached fragments. */
  line(messageId: string, results: readonly PreviewResult[]): string {
    let out = '{"messageId":' + JSON.stringify(messageId) + ',"results":['
    for (let i = 0; i < results.length; i++) {
      const result = results[i]
      if (i > 0) out += ','
      if (
        !('requests' in result) ||
        Object.keys(result).length !== (result.destination === undefined ? 3 : 4)
      ) {
        out += JSON.stringify(result)
        continue
      }
      out += this.#resultPrefix(result)
      for (let j = 0; j < result.requests.length; j++) {
        const request = result.requests[j]
        if (j > 0) out += ','
        // Requests other than POST (a subscription's PATCH or DELETE, without a body) name a user in
        // their URL: written whole, never cached.
        if (request.method !== 'POST') out += JSON.stringify(request)
        else out += this.#requestPrefix(request) + (JSON.stringify(request.body) ?? 'null') + '}'
      }
      out += ']}'
    }
    return out + ']}'
  }
}
