// The whole configuration in the config file's schema: export (API keys as ${ITERABLE_API_KEY}) and
// apply (what `iterable-actions apply` sends).
import { ConfigError, parseConfig } from '../../config/index.js'
import { applyConfig, exportConfig } from '../../config/sync.js'
import type { Resource } from './context.js'
import { AdminApiError } from './errors.js'

/** `destinations[0].settings` → `body.destinations[0].settings`. */
function bodyPath(path: string): string {
  return path === '' ? 'body' : `body.${path}`
}

export const configResource: Resource = (app, { store, delivery }) => {
  app.get(
    '/config',
    {
      schema: {
        summary: 'Export the configuration (API keys as ${ITERABLE_API_KEY})',
        tags: ['config'],
      },
    },
    async () => exportConfig(store),
  )

  app.put(
    '/config',
    {
      schema: {
        summary: 'Apply a configuration (JSON in the config file schema)',
        description: 'Answers { sourcesCreated, destinationsCreated, …, warnings, problems }.',
        tags: ['config'],
      },
    },
    async (request) => {
      let loaded
      try {
        loaded = parseConfig(request.body, 'body')
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        const message = error.path === '' ? error.problem : `${error.path}: ${error.problem}`
        throw new AdminApiError(400, error.code, message, bodyPath(error.path))
      }
      const summary = await applyConfig(store, loaded)
      const problems = await delivery.reload()
      return { ...summary, warnings: loaded.warnings, problems }
    },
  )
}
