// The ingest HTTP layer as an encapsulated Fastify plugin: its body parsers, hooks and error
// handler apply to its own routes only. Events go to the injected sink; the answer waits for it.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { parseBatchSteps } from './batch-body.js'
import { RawBody, decodeContentEncoding, keepRawBody } from './body.js'
import { addCorsHeaders, registerPreflight } from './cors.js'
import { IngestError, describeBytes } from './errors.js'
import { parseEventBytes } from './json.js'
import { EveryInterval } from '../../util/every-interval.js'
import type { IngestLimits, IngestOptions } from './options.js'
import { resolveLimits } from './options.js'
import type { PreparedEvents } from './prepare.js'
import { prepareBatchSteps, prepareSingle } from './prepare.js'
import { ALL_INGEST_PATHS, BATCH_ROUTES, SINGLE_EVENT_ROUTES } from './routes.js'
import { screenPrepared } from './screen.js'
import { TurnQueue, runInTurns } from './turns.js'
import { INVALID_WRITE_KEY_MESSAGE, extractWriteKey, headerWriteKey } from './write-key.js'

const SUCCESS_BODY = '{"success":true}'
const UNAVAILABLE_MESSAGE = 'the events could not be stored right now; retry later'
const STORE_FAILURE_LOG_EVERY_MS = 10_000

/**
 * The 413 message. The limit applies to the decoded body: for a compressed one the declared
 * Content-Length is the compressed size, which says nothing about the decoded size.
 */
function tooLargeMessage(request: FastifyRequest, limits: IngestLimits): string {
  const limit = describeBytes(limits.maxRequestBytes)
  const encoding = request.headers['content-encoding']?.trim().toLowerCase()
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return `request body decodes to more than the limit of ${limit} (the limit applies to the decoded body, not to the ${encoding} bytes sent); send fewer events per request`
  }
  const declared = Number(request.headers['content-length'])
  const size = Number.isFinite(declared) && declared > limits.maxRequestBytes ? ` of ${declared} bytes` : ''
  return `request body${size} is over the limit of ${limit}; send fewer events per request`
}

/** Maps anything thrown while handling an ingest request to the IngestError answered. */
function toIngestError(
  error: FastifyError | Error,
  request: FastifyRequest,
  limits: IngestLimits,
): IngestError {
  if (error instanceof IngestError) return error
  const code = (error as { code?: unknown }).code
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new IngestError(413, 'request_too_large', tooLargeMessage(request, limits))
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new IngestError(
        400,
        'invalid_content_length',
        'request body length does not match its Content-Length header',
      )
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new IngestError(
        415,
        'unsupported_media_type',
        'invalid Content-Type header; send application/json or text/plain',
      )
  }
  // zlib reports corrupt input with Z_* codes.
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new IngestError(
      400,
      'invalid_encoding',
      'request body could not be decoded as declared by Content-Encoding',
    )
  }
  const status = (error as { statusCode?: unknown }).statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new IngestError(status, 'bad_request', error.message)
  }
  return new IngestError(500, 'internal_error', 'internal error')
}

function errorHandler(limits: IngestLimits) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = toIngestError(error, request, limits)
    // 'unavailable' (the store failed) was logged where it happened.
    if (answer.statusCode >= 500 && answer.code !== 'unavailable')
      request.log.error({ err: error }, 'ingest request failed')
    else request.log.debug({ code: answer.code }, answer.message)
    if (answer.statusCode === 401) reply.header('www-authenticate', 'Basic realm="write key"')
    reply.code(answer.statusCode).type('application/json').send(answer.toBody())
  }
}

function requireBody(request: FastifyRequest, hint: string): RawBody {
  const body = request.body
  if (body instanceof RawBody && body.size > 0) return body
  throw new IngestError(400, 'empty_body', `request body is empty: ${hint}`)
}

export const ingestRoutes: FastifyPluginAsync<IngestOptions> = async (app, options) => {
  const limits = resolveLimits(options.limits)
  const clock = options.clock ?? (() => new Date())
  const { resolveWriteKey, accept } = options
  // A store that cannot write (full disk, database away) fails every request the same way: the log
  // says so once per interval, with how many similar failures it left out.
  const storeFailures = new EveryInterval(STORE_FAILURE_LOG_EVERY_MS)
  const storeFailed = (request: FastifyRequest, error: unknown, message: string): IngestError => {
    const held = storeFailures.pass()
    if (held !== null) request.log.error({ err: error, similarFailuresNotLogged: held }, message)
    return new IngestError(503, 'unavailable', UNAVAILABLE_MESSAGE)
  }

  // JSON whatever the content type (analytics.js sends text/plain); the routes parse the bytes.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes }, keepRawBody)
  app.addHook('onRequest', addCorsHeaders)
  app.addHook('preParsing', decodeContentEncoding)
  app.setErrorHandler(errorHandler(limits))

  /** The source of a write key; a 401 when it is unknown or revoked. */
  async function resolveSource(request: FastifyRequest, key: string): Promise<string> {
    let source
    try {
      source = await resolveWriteKey(key)
    } catch (error) {
      throw storeFailed(request, error, 'ingest: write key lookup failed')
    }
    if (source === null || source === undefined)
      throw new IngestError(401, 'invalid_write_key', INVALID_WRITE_KEY_MESSAGE)
    return source.sourceId
  }

  // A key in the Authorization header is checked before the body is read: a wrong key gets its 401
  // at once, and holds no connection open while a slow body trickles in.
  const headerSources = new WeakMap<FastifyRequest, string>()
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST') return
    const key = headerWriteKey(request.headers.authorization)
    if (key !== undefined) headerSources.set(request, await resolveSource(request, key))
  })

  async function sourceOf(request: FastifyRequest, json: unknown): Promise<string> {
    return (
      headerSources.get(request) ??
      resolveSource(request, extractWriteKey(request.headers.authorization, json))
    )
  }

  async function commit(
    request: FastifyRequest,
    reply: FastifyReply,
    sourceId: string,
    prepared: PreparedEvents,
    receivedAt: Date,
    route: string,
    single: boolean,
  ): Promise<void> {
    if (options.screen !== undefined) prepared = screenPrepared(prepared, options.screen, single)
    try {
      if (prepared.events.length > 0)
        await accept(sourceId, prepared.events, receivedAt, { sizes: prepared.sizes, route })
    } catch (error) {
      throw storeFailed(request, error, 'ingest: sink failed')
    }
    reply.code(200).type('application/json')
    if (prepared.rejectedCount === 0) reply.send(SUCCESS_BODY)
    else reply.send({ success: true, rejected: prepared.rejected, rejectedCount: prepared.rejectedCount })
  }

  const routeOptions = { bodyLimit: limits.maxRequestBytes }
  const batchWork = new TurnQueue()

  for (const [path, type] of SINGLE_EVENT_ROUTES) {
    app.post(path, routeOptions, async (request, reply) => {
      const receivedAt = clock()
      const body = requireBody(request, `send one ${type} event as a JSON object`)
      const json = parseEventBytes(body.bytes, limits.maxJsonDepth)
      const sourceId = await sourceOf(request, json)
      const prepared = prepareSingle(json, body.size, type, path, limits, receivedAt)
      await commit(request, reply, sourceId, prepared, receivedAt, path, true)
      return reply
    })
  }

  for (const path of BATCH_ROUTES) {
    app.post(path, routeOptions, async (request, reply) => {
      const receivedAt = clock()
      const bytes = requireBody(request, 'send {"batch": [event, ...]}').bytes
      // In turns, so that a batch of many tiny events does not hold up every other request, and one
      // batch at a time, so that only one batch's parsed events are in memory.
      const { sourceId, prepared } = await batchWork.run(async () => {
        const { json, sizes, texts, nonFinite } = await runInTurns(
          parseBatchSteps(bytes, limits.maxJsonDepth),
        )
        return {
          sourceId: await sourceOf(request, json),
          prepared: await runInTurns(
            prepareBatchSteps(json, sizes, limits, receivedAt, texts, {
              nonFinite,
              requestBytes: bytes.length,
            }),
          ),
        }
      })
      await commit(request, reply, sourceId, prepared, receivedAt, path, false)
      return reply
    })
  }

  for (const path of ALL_INGEST_PATHS) registerPreflight(app, path)
}

/** Registers the ingest routes on an app (a convenience over `app.register(ingestRoutes, …)`). */
export function registerIngest(
  app: FastifyInstance,
  options: IngestOptions,
): ReturnType<FastifyInstance['register']> {
  return app.register(ingestRoutes, options)
}
