// The whole configuration in the config file schema: export (API keys as ${ITERABLE_API_KEY}, ids
// so that apply recognises every item) and apply as a diff (what `iterable-actions apply` sends),
// with a dry run that checks everything the real apply checks and writes nothing.
import { Type, type Static } from '@sinclair/typebox'
import { applyConfig, ConfigError, exportConfig, parseConfig } from '../../config/index.js'
import type { Resource } from './context.js'
import { AdminApiError } from './errors.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

const ApplyQuery = Type.Object({
  dryRun: Type.Optional(
    Type.Boolean({ default: false, description: 'List the changes and check them; write nothing.' }),
  ),
  serverEnv: Type.Optional(
    Type.Boolean({
      default: true,
      description:
        "Resolve the body's ${ENV} references from the service's environment (false: the client resolved them).",
    }),
  ),
})

/** `destinations[0].settings` → `body.destinations[0].settings`. */
function bodyPath(path: string): string {
  return path === '' ? 'body' : `body.${path}`
}

function asApiError(error: unknown): unknown {
  if (!(error instanceof ConfigError)) return error
  const message = error.path === '' ? error.problem : `${error.path}: ${error.problem}`
  return new AdminApiError(400, error.code, message, bodyPath(error.path))
}

export const configResource: Resource = (app, { store, delivery }) => {
  app.get(
    '/config',
    {
      schema: {
        summary: 'Export the configuration (API keys as ${ITERABLE_API_KEY}, with ids)',
        tags: ['config'],
        response: answers(200, Shapes.ConfigExport),
      },
    },
    async () => exportConfig(store),
  )

  app.put<{ Querystring: Static<typeof ApplyQuery> }>(
    '/config',
    {
      schema: {
        summary: 'Apply a configuration (JSON in the config file schema) as a diff',
        description:
          'Mappings are matched by id, else by name (ignoring case); only what differs is written. ' +
          'An API key given as ${VAR} with VAR unset keeps the stored key. Answers { changes, ' +
          'sourcesCreated, destinationsCreated, …, warnings, problems }.',
        tags: ['config'],
        querystring: ApplyQuery,
        response: answers(200, Shapes.ConfigApplied),
      },
    },
    async (request) => {
      const dryRun = request.query.dryRun === true
      const env = request.query.serverEnv === false ? {} : process.env
      try {
        const loaded = parseConfig(request.body, 'body', { env, keepUnsetApiKey: true })
        const summary = await applyConfig(store, loaded, { dryRun })
        const problems = dryRun ? [] : await delivery.reload()
        return { ...summary, dryRun, warnings: loaded.warnings, problems }
      } catch (error) {
        throw asApiError(error)
      }
    },
  )
}
