// The admin API's one error shape, `{ error: { code, message, path?, details? } }`, and the handler
// that turns thrown errors (ours, Fastify's schema validation, anything else) into it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isStoreUnavailable } from '../../store/errors.js'
import { EveryInterval } from '../../util/every-interval.js'

export interface AdminErrorBody {
  error: { code: string; message: string; path?: string; details?: Record<string, unknown> }
}

/** An error the admin API answers with: status, stable code, words for people, the part at fault. */
export class AdminApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AdminApiError'
  }

  toBody(): AdminErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path !== undefined ? { path: this.path } : {}),
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    }
  }
}

export const notFound = (what: string, id: string): AdminApiError =>
  new AdminApiError(404, 'not_found', `No ${what} with id "${id}".`)

interface AjvLikeError {
  instancePath?: string
  message?: string
  params?: { missingProperty?: string; additionalProperty?: string }
}

/** `body.settings.dataCenterLocation` from Fastify's validation context and ajv's instance path. */
function validationPath(error: FastifyError): string {
  const context = error.validationContext ?? 'body'
  const first = (error.validation?.[0] ?? {}) as AjvLikeError
  const parts = (first.instancePath ?? '').split('/').filter((p) => p !== '')
  const extra = first.params?.missingProperty ?? first.params?.additionalProperty
  if (extra !== undefined) parts.push(extra)
  return [context, ...parts].join('.')
}

export function errorBody(code: string, message: string, path?: string): AdminErrorBody {
  return { error: { code, message, ...(path !== undefined ? { path } : {}) } }
}

/** Fastify's body parsing errors, in our codes and plain words. */
const BODY_PROBLEMS: Record<string, [code: string, message: string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    'invalid_json',
    'The request body is empty but its content-type says JSON; send {} or leave the content-type out.',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported_media_type',
    'Send the request body as JSON (content-type: application/json).',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is too large.'],
}

/** While the store is away every admin request fails alike: the log says so once per interval. */
export const STORE_AWAY_LOG_EVERY_MS = 10_000

/** The admin API's error handler, with its own throttle for the store-away log line. */
export function createAdminErrorHandler(): (
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply {
  const storeAway = new EveryInterval(STORE_AWAY_LOG_EVERY_MS)
  return (error, request, reply) => adminErrorAnswer(error, request, reply, storeAway)
}

function adminErrorAnswer(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
  storeAway: EveryInterval,
): FastifyReply {
  if (error instanceof AdminApiError) return reply.code(error.statusCode).send(error.toBody())
  const fastifyError = error as FastifyError
  if (fastifyError.validation !== undefined) {
    const path = validationPath(fastifyError)
    const first = (fastifyError.validation[0] ?? {}) as AjvLikeError
    const message =
      first.params?.additionalProperty !== undefined
        ? `Unknown property "${first.params.additionalProperty}" (${path}).`
        : `${path}: ${first.message ?? fastifyError.message}.`
    return reply.code(400).send(errorBody('validation_failed', message, path))
  }
  const bodyProblem = fastifyError.code === undefined ? undefined : BODY_PROBLEMS[fastifyError.code]
  if (bodyProblem !== undefined) {
    return reply.code(fastifyError.statusCode ?? 400).send(errorBody(bodyProblem[0], bodyProblem[1], 'body'))
  }
  if (isStoreUnavailable(error)) {
    const held = storeAway.pass()
    if (held !== null) {
      request.log.warn(
        { err: error, similarFailuresNotLogged: held },
        'admin request failed: the store cannot take work now',
      )
    }
    return reply
      .code(503)
      .send(
        errorBody(
          'store_unavailable',
          'The store cannot take work right now (disk full or database away); try again.',
        ),
      )
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(status).send(errorBody(fastifyError.code ?? 'bad_request', fastifyError.message))
  }
  request.log.error({ err: error }, 'admin request failed')
  return reply.code(500).send(errorBody('internal_error', 'Internal error; see the service log.'))
}
