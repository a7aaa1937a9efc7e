// Shared fixtures for the ingest tests: an app with the ingest plugin and a recording sink.
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { ingestRoutes } from '../../src/server/ingest/index.js'
import type { AcceptInfo, IngestOptions } from '../../src/server/ingest/index.js'

export const WRITE_KEY = 'wk_test_0123456789'
export const REVOKED_KEY = 'wk_revoked_987'
export const SOURCE_ID = 'src_web'
export const FIXED_NOW = new Date('2026-03-04T05:06:07.890Z')

export interface SinkCall {
  sourceId: string
  events: Record<string, unknown>[]
  receivedAt: Date
  info: AcceptInfo
}

export interface IngestFixture {
  app: FastifyInstance
  calls: SinkCall[]
  /** Every event the sink received, in order. */
  events(): Record<string, unknown>[]
}

export async function buildIngestApp(
  overrides: Partial<IngestOptions> = {},
  setup?: (app: FastifyInstance) => void,
): Promise<IngestFixture> {
  const app = Fastify({ logger: false })
  setup?.(app)
  const calls: SinkCall[] = []
  await app.register(ingestRoutes, {
    resolveWriteKey: (key) => (key === WRITE_KEY ? { sourceId: SOURCE_ID } : null),
    accept: async (sourceId, events, receivedAt, info) => {
      calls.push({ sourceId, events, receivedAt, info })
      return {}
    },
    clock: () => FIXED_NOW,
    ...overrides,
  })
  await app.ready()
  return { app, calls, events: () => calls.flatMap((call) => call.events) }
}

export function basicAuth(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}
