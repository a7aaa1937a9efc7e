// The admin API (docs/admin-api.md): REST resources under /api/admin behind the admin token. One
// error shape for every answer (401, 404, validation, …); TypeBox schemas for requests and answers;
// the OpenAPI description generated from them (openapi.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Delivery } from '../../delivery/delivery.js'
import type { Store } from '../../store/types.js'
import type { LiveEventHub } from '../live/live-hub.js'
import { DEFAULT_MAX_JSON_DEPTH } from '../json-inspect.js'
import { ADMIN_PREFIX, adminTokenGate, presentedToken, type AdminTokenGate } from './auth.js'
import { catalogResource } from './catalog.js'
import { clusterResource } from './cluster.js'
import { configResource } from './config.js'
import type { AdminContext, Resource } from './context.js'
import { deadLettersResource } from './dead-letters.js'
import { deliveriesResource } from './deliveries.js'
import { destinationsResource } from './destinations.js'
import { createAdminErrorHandler, errorBody } from './errors.js'
import { eventReplayResource } from './event-replay.js'
import { eventsResource } from './events.js'
import { eventVolumeResource } from './event-volume.js'
import { liveEventsResource } from './live-events.js'
import { adminBodyDepth, registerAdminJsonParser } from './json-body.js'
import { mappingsResource } from './mappings.js'
import { OPENAPI_PATH, registerOpenApi } from './openapi.js'
import { registerDepthSafeSerializer } from './serialize.js'
import { sourcesResource } from './sources.js'
import { subscriptionGroupsResource } from './subscription-groups.js'
import { testMappingResource } from './test-mapping.js'
import { usersResource } from './users.js'
import { adminValidatorCompiler } from './validator.js'
import { waitingEventsResource } from './waiting-events.js'

export interface AdminApiOptions {
  store: Store
  delivery: Delivery
  /** The token in full, or a gate that follows rotations (serve: the store's token). */
  adminToken: string | AdminTokenGate
  /** New events for GET /live-events (ingest tells it when it appended). */
  live: LiveEventHub
  /** Deepest nesting of an event; admin bodies may nest one level more (default 64). */
  maxJsonDepth?: number
}

const RESOURCES: readonly Resource[] = [
  sourcesResource,
  destinationsResource,
  subscriptionGroupsResource,
  mappingsResource,
  catalogResource,
  testMappingResource,
  deliveriesResource,
  clusterResource,
  deadLettersResource,
  eventsResource,
  eventVolumeResource,
  eventReplayResource,
  waitingEventsResource,
  configResource,
  usersResource,
]

export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const context: AdminContext = { store: options.store, delivery: options.delivery }
  app.setErrorHandler(createAdminErrorHandler())
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH
  registerAdminJsonParser(app, maxJsonDepth)
  // Room for the answer's own levels around an event (items, deliveries, sent, body …).
  registerDepthSafeSerializer(app, adminBodyDepth(maxJsonDepth) + 16)

  // Before any route: the description is generated from the routes registered after it.
  await registerOpenApi(app)

  await app.register(async (secured: FastifyInstance) => {
    secured.setValidatorCompiler(adminValidatorCompiler)
    const gate = adminTokenGate(options.adminToken)
    secured.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!gate.matches(presentedToken(request))) {
        reply.header('www-authenticate', 'Bearer realm="admin"')
        return reply
          .code(401)
          .send(
            errorBody(
              'unauthorized',
              'Admin token required: send Authorization: Bearer <token> or X-Admin-Token.',
            ),
          )
      }
    })
    // Unknown admin paths (after the token check, so they reveal nothing without it).
    secured.setNotFoundHandler(async (request, reply) =>
      reply
        .code(404)
        .send(
          errorBody(
            'route_not_found',
            `The admin API has no route ${request.method} ${request.url.split('?')[0]}; see ${ADMIN_PREFIX}${OPENAPI_PATH}.`,
          ),
        ),
    )
    for (const resource of RESOURCES) resource(secured, context)
    liveEventsResource(options.live)(secured, context)
  })
}

export { AdminApiError } from './errors.js'
export type { AdminErrorBody } from './errors.js'
export { ADMIN_PREFIX, AdminTokenGate, adminTokenHash } from './auth.js'
export { OPENAPI_PATH } from './openapi.js'
