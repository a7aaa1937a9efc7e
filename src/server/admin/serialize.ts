// Admin answers hold stored data (events, payloads sent, Iterable's answers). Data stored before the
// depth limit existed may nest so deeply that JSON.stringify overflows the stack: such an answer is
// written again with the parts below a depth replaced by a note, instead of failing with a 500.
import type { FastifyInstance } from 'fastify'

/** A copy of `value` whose objects and arrays below `maxDepth` levels are replaced by a note. */
export function cutBelowDepth(value: unknown, maxDepth: number): unknown {
  const note = `[not shown: nested deeper than ${maxDepth} levels]`
  const copy = (node: unknown, level: number): unknown => {
    if (typeof node !== 'object' || node === null) return node
    if (level > maxDepth) return note
    // toJSON (dates) first, as JSON.stringify would.
    const plain =
      typeof (node as { toJSON?: unknown }).toJSON === 'function'
        ? (node as { toJSON(): unknown }).toJSON()
        : node
    if (typeof plain !== 'object' || plain === null) return plain
    if (Array.isArray(plain)) return plain.map((item) => copy(item, level + 1))
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(plain)) {
      Object.defineProperty(out, key, {
        value: copy(item, level + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return out
  }
  return copy(value, 1)
}

/** JSON.stringify; when the payload nests too deeply for it, cutBelowDepth's copy is written. */
function depthSafeStringify(maxDepth: number, onCut: () => void): (payload: unknown) => string {
  return (payload) => {
    try {
      return JSON.stringify(payload)
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      onCut()
      return JSON.stringify(cutBelowDepth(payload, maxDepth))
    }
  }
}

/**
 * Every admin answer is written by depthSafeStringify, response schema or not: the schemas describe
 * the answers (OpenAPI, UI types, tests hold them to it) but never rewrite them, as a schema compiled
 * by fast-json-stringify would (dropping properties it does not list, coercing types).
 */
export function registerDepthSafeSerializer(app: FastifyInstance, maxDepth: number): void {
  const stringify = depthSafeStringify(maxDepth, () =>
    app.log.warn('an admin answer nested too deeply to write: deep parts replaced by a note'),
  )
  app.setReplySerializer(stringify)
  // Not compiled to a serializer at all (setReplySerializer would win anyway): no start-up cost.
  app.setSerializerCompiler(() => stringify)
}
