// Request bodies: every content type (application/json, analytics.js's text/plain, none) is read
// once as a Buffer; the route parses it as JSON (json.ts, batch-body.ts) and measures the bytes.
import { createGunzip, createInflate } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { IngestError } from './errors.js'

/** A request body as received (after Content-Encoding decoding), parsed later by the route. */
export class RawBody {
  constructor(readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length
  }
}

/** Fastify content-type parser (parseAs: 'buffer'): keeps the bytes; the route parses them. */
export function keepRawBody(
  _request: FastifyRequest,
  body: Buffer,
  done: (error: Error | null, body?: unknown) => void,
): void {
  done(null, new RawBody(body))
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
