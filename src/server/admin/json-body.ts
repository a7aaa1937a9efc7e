// Admin API request bodies: JSON, parsed once and checked like ingest bodies (json-inspect.ts), with
// an answer that says what is wrong: too deeply nested, a `__proto__` key, a number that overflows.
// Fastify's own parser would call a `__proto__` key "not valid JSON".
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { inspectJson, nonFiniteMessage } from '../json-inspect.js'
import { AdminApiError } from './errors.js'

/** The admin body around an event (test mapping) adds one level to the events' depth limit. */
export function adminBodyDepth(maxJsonDepth: number): number {
  return maxJsonDepth + 1
}

/** Parses and checks a JSON body; throws the AdminApiError to answer. */
export function parseAdminBody(text: string, maxDepth: number): unknown {
  if (text === '') {
    throw new AdminApiError(
      400,
      'invalid_json',
      'The request body is empty but its content-type says JSON; send {} or leave the content-type out.',
      'body',
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new AdminApiError(
      400,
      'invalid_json',
      `The request body is not valid JSON: ${(error as Error).message}`,
      'body',
    )
  }
  const problem = inspectJson(json, maxDepth)
  if (problem === undefined) return json
  const path = problem.path === '' ? 'body' : `body.${problem.path}`
  switch (problem.kind) {
    case 'too_deep':
      throw new AdminApiError(
        400,
        'too_deep',
        `The request body is nested deeper than the limit of ${maxDepth} levels (objects and arrays inside one another).`,
        'body',
      )
    case 'forbidden_key':
      throw new AdminApiError(400, 'forbidden_key', `The key "__proto__" is not allowed (${path}).`, path)
    case 'non_finite':
      throw new AdminApiError(400, 'validation_failed', `${nonFiniteMessage(path)}.`, path)
  }
}

/** Replaces Fastify's JSON parser in the admin API's scope. */
export function registerAdminJsonParser(app: FastifyInstance, maxJsonDepth: number): void {
  const maxDepth = adminBodyDepth(maxJsonDepth)
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (
      _request: FastifyRequest,
      body: string | Buffer,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      try {
        done(null, parseAdminBody(body.toString(), maxDepth))
      } catch (error) {
        done(error as Error)
      }
    },
  )
}
