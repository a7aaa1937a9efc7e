// Request bodies: every content type (application/json, analytics.js's text/plain, none) is read
// once as a Buffer and parsed once as JSON; the Buffer is kept so sizes come from the raw bytes.
import { createGunzip, createInflate } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { IngestError } from './errors.js'

/** The parsed request body, with the raw bytes it came from. */
export class ParsedBody {
  constructor(
    readonly json: unknown,
    readonly raw: Buffer,
  ) {}

  get size(): number {
    return this.raw.length
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]
/**
 * A \u escape of one of the letters of "__proto__" (_ p r o t): the only way to spell the key
 * without its literal bytes. Other escapes (ensure_ascii clients escape all non-ASCII) stay on
 * the fast path.
 */
const ESCAPED_PROTO_LETTER = /\\u00(?:5[fF]|6[fF]|7[024])/

/**
 * Parses a JSON body. A `__proto__` key is refused: later stages merge and copy event objects,
 * and such a key would let a client reach Object.prototype there.
 */
export function parseJsonBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) return new ParsedBody(undefined, raw)
  const start = raw[0] === UTF8_BOM[0] && raw[1] === UTF8_BOM[1] && raw[2] === UTF8_BOM[2] ? 3 : 0
  const text = raw.toString('utf8', start)
  const careful = text.includes('__proto__') || ESCAPED_PROTO_LETTER.test(text)
  let json: unknown
  try {
    json = careful ? JSON.parse(text, refuseProtoKey) : JSON.parse(text)
  } catch (error) {
    if (error instanceof IngestError) throw error
    throw new IngestError(400, 'invalid_json', `invalid JSON: ${(error as Error).message}`)
  }
  return new ParsedBody(json, raw)
}

function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new IngestError(400, 'forbidden_key', 'the key "__proto__" is not allowed')
  return value
}

/** Fastify content-type parser (parseAs: 'buffer') wrapping parseJsonBody. */
export function fastifyJsonParser(
  _request: FastifyRequest,
  body: Buffer,
  done: (error: Error | null, body?: unknown) => void,
): void {
  let parsed: ParsedBody
  try {
    parsed = parseJsonBody(body)
  } catch (error) {
    done(error as Error)
    return
  }
  done(null, parsed)
}

type DecodedStream = Readable & { receivedEncodedLength?: number }

/**
 * preParsing hook: decodes `Content-Encoding: gzip` (and deflate) bodies. The body limit then
 * applies to the decoded bytes, so a small compressed "bomb" still stops at the limit.
 */
export async function decodeContentEncoding(
  request: FastifyRequest,
  _reply: unknown,
  payload: Readable,
): Promise<Readable> {
  const header = request.headers['content-encoding']
  if (header === undefined) return payload
  const encoding = header.trim().toLowerCase()
  if (encoding === '' || encoding === 'identity') return payload
  let decoder: Readable & NodeJS.WritableStream
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = createGunzip()
  else if (encoding === 'deflate') decoder = createInflate()
  else {
    throw new IngestError(
      415,
      'unsupported_encoding',
      `unsupported Content-Encoding "${header.slice(0, 40)}": send the body uncompressed or gzip-encoded`,
    )
  }
  const decoded = decoder as DecodedStream
  decoded.receivedEncodedLength = 0
  payload.on('data', (chunk: Buffer) => {
    decoded.receivedEncodedLength! += chunk.length
  })
  payload.on('error', (error) => decoded.destroy(error))
  decoded.on('error', () => payload.resume())
  payload.pipe(decoder)
  return decoded
}
