// Admin answers are written by the depth-safe JSON.stringify even where a route has a response
// schema: the schema documents the answer (and admin-openapi.test.ts holds answers to it closed), it
// never rewrites it as fast-json-stringify would (dropping unlisted properties, coercing types).
import { Type } from '@sinclair/typebox'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { registerDepthSafeSerializer } from '../../src/server/admin/serialize.js'

const app = Fastify()
registerDepthSafeSerializer(app, 10)
app.get(
  '/answer',
  { schema: { response: { 200: Type.Object({ count: Type.Integer(), name: Type.String() }) } } },
  async () => ({ count: '7', name: 'x', unlisted: { kept: true } }),
)
app.get('/deep', async () => {
  let deep: unknown = 'bottom'
  for (let i = 0; i < 20_000; i++) deep = [deep]
  return { deep }
})
afterAll(async () => app.close())

describe('the admin reply serializer', () => {
  it('writes answers as they are, whatever the response schema lists', async () => {
    const response = await app.inject({ method: 'GET', url: '/answer' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ count: '7', name: 'x', unlisted: { kept: true } })
  })

  it('writes an answer too deep for JSON.stringify with the deep parts replaced by a note', async () => {
    const response = await app.inject({ method: 'GET', url: '/deep' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('[not shown: nested deeper than 10 levels]')
  })
})
