// Update Subscriptions (issue 16 item 1): the requests and messages of Segment's beta action
// (docs/destination.md names the commit matched), through preview — the routing delivery uses.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { explainGatedEndpoint } from '../../src/iterable/client/index.js'
import { classifyResponse } from '../../src/iterable/client/classify.js'
import { PreviewSession } from '../../src/preview/session.js'
import { testEvent } from './helpers.js'

const CHANNEL = {
  subscription_group_type: 'messageChannel',
  subscription_group_id: '123',
  action: 'subscribe',
}

function config(
  fields: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
  batching = false,
) {
  return parseConfig(
    {
      destinations: [
        {
          name: 'iterable',
          settings,
          mappings: [
            {
              name: 'Subscriptions Updated Calls',
              preset: 'Subscriptions Updated Calls',
              fields: { subscriptions: [CHANNEL], ...fields },
              batching: { enabled: batching },
            },
          ],
        },
      ],
    },
    'test',
    { preview: true },
  )
}

function preview(
  events: Record<string, unknown>[],
  fields: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
  batch = false,
): Array<Record<string, any>> {
  const session = new PreviewSession(config(fields, settings, batch), { batch })
  const out: string[] = []
  events.forEach((e, i) => out.push(...session.push(JSON.stringify(e), i + 1)))
  out.push(...session.finish())
  return out.map((line) => JSON.parse(line))
}

const updated = (properties: Record<string, unknown>, userId: string | null = 'user123') =>
  testEvent({ messageId: 'm1', event: 'Subscriptions Updated', userId, properties })

describe('updateSubscriptions: single requests', () => {
  it('subscribe by email is a PATCH without a body, the email encoded in the path', () => {
    const [line] = preview([updated({ email: 'test@iterable.com' })])
    expect(line.results).toEqual([
      {
        mapping: 'Subscriptions Updated Calls',
        action: 'updateSubscriptions',
        requests: [
          {
            method: 'PATCH',
            url: 'https://api.iterable.com/api/subscriptions/messageChannel/123/user/test%40iterable.com',
            headers: expect.any(Object) as unknown,
          },
        ],
      },
    ])
  })

  it('one request per item, DELETE to unsubscribe, in the order given; EU base URL', () => {
    const subscriptions = [
      CHANNEL,
      { subscription_group_type: 'messageType', subscription_group_id: '456', action: 'unsubscribe' },
      { subscription_group_type: 'emailList', subscription_group_id: '789', action: 'subscribe' },
    ]
    const [line] = preview(
      [updated({ email: 'test@iterable.com' })],
      { subscriptions },
      { dataCenterLocation: 'europe' },
    )
    expect(line.results[0].requests.map((r: any) => `${r.method} ${r.url}`)).toEqual([
      'PATCH https://api.eu.iterable.com/api/subscriptions/messageChannel/123/user/test%40iterable.com',
      'DELETE https://api.eu.iterable.com/api/subscriptions/messageType/456/user/test%40iterable.com',
      'PATCH https://api.eu.iterable.com/api/subscriptions/emailList/789/user/test%40iterable.com',
    ])
  })

  it('the identifier preference: userId when preferred and present, else the other one', () => {
    const url = (line: Record<string, any>) => line.results[0].requests[0].url as string
    const both = updated({ email: 'test@iterable.com' })
    expect(url(preview([both], { user_identifier_preference: 'userId' })[0])).toMatch(/\/byUserId\/user123$/)
    expect(url(preview([both], { user_identifier_preference: 'email' })[0])).toMatch(
      /\/user\/test%40iterable\.com$/,
    )
    expect(url(preview([updated({})])[0])).toMatch(/\/byUserId\/user123$/)
    expect(
      url(preview([updated({ email: 'a@b.co' }, null)], { user_identifier_preference: 'userId' })[0]),
    ).toMatch(/\/user\/a%40b\.co$/)
  })

  it("Segment's messages for a missing identifier and too many or no items", () => {
    const error = (line: Record<string, any>) => line.results[0].error
    expect(error(preview([updated({}, null)])[0])).toEqual({
      message: 'Must include email or userId in identifier.',
      code: 'PAYLOAD_VALIDATION_FAILED',
    })
    const seven = Array.from({ length: 7 }, (_, i) => ({ ...CHANNEL, subscription_group_id: String(i) }))
    expect(error(preview([updated({ email: 'a@b.co' })], { subscriptions: seven })[0])).toEqual({
      message: 'Maximum of 6 subscription items allowed. Received 7.',
      code: 'PAYLOAD_VALIDATION_FAILED',
    })
    expect(error(preview([updated({ email: 'a@b.co' })], { subscriptions: [] })[0]).message).toBe(
      'At least one subscription item is required.',
    )
    const bad = preview([updated({ email: 'a@b.co' })], {
      subscriptions: [{ ...CHANNEL, action: 'invalid_action' }],
    })
    expect(error(bad[0]).code).toBe('PAYLOAD_VALIDATION_FAILED')
  })

  it('a group id cannot reach another endpoint: it is encoded', () => {
    const [line] = preview([updated({ email: 'a@b.co' })], {
      subscriptions: [{ ...CHANNEL, subscription_group_id: '1/../../users/x?y' }],
    })
    expect(line.results[0].requests[0].url).toBe(
      'https://api.iterable.com/api/subscriptions/messageChannel/1%2F..%2F..%2Fusers%2Fx%3Fy/user/a%40b.co',
    )
  })
})

describe('updateSubscriptions: batches', () => {
  it('one PUT per item with the users of the batch; userId-only users in usersByUserId', () => {
    const subscriptions = [
      CHANNEL,
      { subscription_group_type: 'messageType', subscription_group_id: '456', action: 'unsubscribe' },
    ]
    const lines = preview(
      [
        testEvent({
          messageId: 'a',
          event: 'Subscriptions Updated',
          userId: 'user1',
          properties: { email: 'user1@iterable.com' },
        }),
        testEvent({ messageId: 'b', event: 'Subscriptions Updated', userId: 'user2', properties: {} }),
        testEvent({
          messageId: 'c',
          event: 'Subscriptions Updated',
          userId: 'user3',
          properties: { email: 'user3@iterable.com' },
        }),
      ],
      { subscriptions },
      {},
      true,
    )
    const requests = lines.map(
      (l) =>
        `${l.request.method} ${l.request.url} ${JSON.stringify(l.request.body)} ${l.messageIds.join(',')}`,
    )
    expect(requests.sort()).toEqual([
      'PUT https://api.iterable.com/api/subscriptions/messageChannel/123?action=subscribe {"users":["user1@iterable.com","user3@iterable.com"]} a,c',
      'PUT https://api.iterable.com/api/subscriptions/messageChannel/123?action=subscribe {"usersByUserId":["user2"]} b',
      'PUT https://api.iterable.com/api/subscriptions/messageType/456?action=unsubscribe {"users":["user1@iterable.com","user3@iterable.com"]} a,c',
      'PUT https://api.iterable.com/api/subscriptions/messageType/456?action=unsubscribe {"usersByUserId":["user2"]} b',
    ])
  })
})

describe('a project without the Subscription Preferences API', () => {
  const notFound = { code: 'NotFound', msg: 'Endpoint not found for project: 42' }

  it('its 404 on /api/subscriptions/ is a non-retried failure that says whom to ask', () => {
    const outcome = explainGatedEndpoint(
      '/api/subscriptions/emailList/1?action=subscribe',
      classifyResponse(404, notFound, {}, Date.now()),
    )
    expect(outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      code: 'SUBSCRIPTIONS_API_NOT_ENABLED',
      status: 404,
    })
    expect(outcome.message).toContain('Endpoint not found for project: 42')
    expect(outcome.message).toContain('ask Iterable')
  })

  it('other endpoints, other statuses and other codes keep their outcome', () => {
    const plain = classifyResponse(404, notFound, {}, Date.now())
    expect(explainGatedEndpoint('/api/users/update', plain)).toBe(plain)
    const other = classifyResponse(404, { code: 'BadParams', msg: 'x' }, {}, Date.now())
    expect(explainGatedEndpoint('/api/subscriptions/emailList/1', other)).toBe(other)
    const busy = classifyResponse(503, notFound, {}, Date.now())
    expect(explainGatedEndpoint('/api/subscriptions/emailList/1', busy)).toBe(busy)
  })
})
