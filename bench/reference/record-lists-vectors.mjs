// Records reference vectors for the syncAudience action (issue 16 item 2) from Segment's published
// "Iterable Lists (Actions)" destination (`iterable-audiences` in @segment/action-destinations, the
// version bench/reference/package.json pins). Each case runs the reference's own action (single:
// Destination.executeAction; batch: executeBatch) with its default mapping plus the case's overrides;
// its HTTP requests go to a local recorder (an agent added through extendRequest, as
// bench/compare/reference-worker.mjs does) that answers each with the case's scripted answer.
// Writes test/iterable/lists-vectors/<case>.json: settings, mapping, events → requests (method, URL,
// body) and each event's outcome or error message. CI never runs this: the vectors are the record.
//
// Usage (from the project's folder, the reference installed with `npm ci --prefix bench/reference`):
//   node bench/reference/record-lists-vectors.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, createServer } from 'node:http'
import { createConnection } from 'node:net'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '../..')
const OUT = path.join(ROOT, 'test/iterable/lists-vectors')
const require = createRequire(path.join(HERE, 'package.json'))
const { Destination, defaultValues } = require('@segment/actions-core')
const lists = require('@segment/action-destinations/dist/destinations/iterable-audiences').default
const VERSION = JSON.parse(
  readFileSync(path.join(HERE, 'node_modules/@segment/action-destinations/package.json'), 'utf8'),
).version

/** Every request of the running case, and the answers still to give (default: 200 with a success body). */
let recorded = []
let answers = []
const OK = { status: 200, body: { successCount: 1, failCount: 0, invalidEmails: [], invalidUserIds: [] } }

const server = createServer((req, res) => {
  let text = ''
  req.on('data', (chunk) => (text += chunk))
  req.on('end', () => {
    recorded.push({
      method: req.method,
      url: `https://${req.headers.host}${req.url}`,
      ...(text === '' ? {} : { body: JSON.parse(text) }),
    })
    const answer = answers.shift() ?? OK
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer.body))
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const port = server.address().port

/** Connects every https:// request to the recorder, in plain HTTP. */
class RecorderAgent extends Agent {
  constructor() {
    super()
    this.protocol = 'https:'
  }
  createConnection() {
    return createConnection({ host: '127.0.0.1', port })
  }
}

const destination = new Destination({
  ...lists,
  extendRequest: (context) => ({ ...lists.extendRequest(context), agent: new RecorderAgent() }),
})
const DEFAULT_MAPPING = defaultValues(lists.actions.syncAudience.fields)
const API_KEY = 'vector-api-key'

const TIMESTAMP = '2024-01-02T03:04:05.678Z'
/** An Engage audience event: identify (traits) or track (properties) with the audience key's membership. */
function audienceEvent(overrides = {}) {
  const { type = 'identify', key = 'vip_users', member = true, audienceSettings, ...rest } = overrides
  // An explicit `listId: undefined` leaves the external audience id out.
  const listId = 'listId' in overrides ? overrides.listId : '1234'
  delete rest.listId
  const personas = { computation_key: key, computation_class: 'audience' }
  if (listId !== undefined) personas.external_audience_id = listId
  if (audienceSettings !== undefined) personas.audience_settings = audienceSettings
  const membership = { [key]: member }
  const event = {
    type,
    messageId: 'msg-1',
    userId: 'user-1',
    anonymousId: 'anon-1',
    timestamp: TIMESTAMP,
    receivedAt: TIMESTAMP,
    context: { personas },
    ...(type === 'identify'
      ? { traits: { email: 'ada@example.com', ...membership } }
      : { event: 'Audience Entered', properties: { email: 'ada@example.com', ...membership } }),
    ...rest,
  }
  return event
}

const HYBRID = { apiKey: API_KEY, iterableProjectType: 'hybrid' }
const USER_ID = { apiKey: API_KEY, iterableProjectType: 'userId' }

const CASES = [
  { name: 'subscribe-identify-hybrid', settings: HYBRID, events: [audienceEvent()] },
  { name: 'subscribe-track-hybrid', settings: HYBRID, events: [audienceEvent({ type: 'track' })] },
  {
    name: 'subscribe-update-existing-only',
    settings: HYBRID,
    events: [
      audienceEvent({
        audienceSettings: { updateExistingUsersOnly: true, globalUnsubscribe: true, campaignId: 42 },
      }),
    ],
  },
  {
    name: 'unsubscribe-identify-hybrid',
    settings: HYBRID,
    events: [audienceEvent({ member: false })],
  },
  {
    name: 'unsubscribe-channel-campaign',
    settings: HYBRID,
    events: [
      audienceEvent({
        type: 'track',
        member: false,
        audienceSettings: { updateExistingUsersOnly: false, globalUnsubscribe: true, campaignId: 42 },
      }),
    ],
  },
  {
    name: 'unsubscribe-key-absent',
    settings: HYBRID,
    events: [audienceEvent({ traits: { email: 'ada@example.com' } })],
  },
  { name: 'subscribe-userid-project', settings: USER_ID, events: [audienceEvent()] },
  { name: 'unsubscribe-userid-project', settings: USER_ID, events: [audienceEvent({ member: false })] },
  {
    name: 'userid-project-without-userid',
    settings: USER_ID,
    events: [audienceEvent({ userId: undefined })],
  },
  {
    name: 'hybrid-without-identifiers',
    settings: HYBRID,
    events: [audienceEvent({ userId: undefined, traits: { vip_users: true } })],
  },
  {
    name: 'email-only',
    settings: HYBRID,
    events: [audienceEvent({ userId: undefined })],
  },
  { name: 'settings-without-project-type', settings: { apiKey: API_KEY }, events: [audienceEvent()] },
  {
    name: 'data-fields',
    settings: HYBRID,
    mapping: { dataFields: { plan: { '@path': '$.traits.plan' }, source: 'engage' } },
    events: [audienceEvent({ traits: { email: 'ada@example.com', vip_users: true, plan: 'gold' } })],
  },
  {
    name: 'data-fields-empty',
    settings: HYBRID,
    mapping: { dataFields: {} },
    events: [audienceEvent()],
  },
  {
    name: 'list-id-not-numeric',
    settings: HYBRID,
    events: [audienceEvent({ listId: 'aud_abc' })],
  },
  {
    name: 'list-id-missing',
    settings: HYBRID,
    events: [audienceEvent({ listId: undefined })],
    difference: 'L4',
  },
  {
    name: 'audience-key-missing',
    settings: HYBRID,
    events: [audienceEvent({ context: { personas: { external_audience_id: '1234' } } })],
  },
  {
    name: 'europe-is-sent-to-us',
    settings: { ...HYBRID, dataCenterLocation: 'europe' },
    events: [audienceEvent()],
    difference: 'L2',
  },
  {
    name: 'batch-mixed-membership',
    mode: 'batch',
    settings: HYBRID,
    events: [
      audienceEvent({ messageId: 'm1', userId: 'u1', traits: { email: 'a@example.com', vip_users: true } }),
      audienceEvent({ messageId: 'm2', userId: 'u2', traits: { email: 'b@example.com', vip_users: false } }),
      audienceEvent({ messageId: 'm3', userId: 'u3', traits: { email: 'c@example.com', vip_users: true } }),
    ],
  },
  {
    name: 'batch-audience-settings',
    mode: 'batch',
    settings: USER_ID,
    events: [
      audienceEvent({
        messageId: 'm1',
        userId: 'u1',
        audienceSettings: { updateExistingUsersOnly: true, globalUnsubscribe: false, campaignId: 7 },
      }),
      audienceEvent({
        messageId: 'm2',
        userId: 'u2',
        member: false,
        audienceSettings: { updateExistingUsersOnly: true, globalUnsubscribe: false, campaignId: 7 },
      }),
    ],
  },
  {
    name: 'batch-invalid-member',
    mode: 'batch',
    settings: USER_ID,
    events: [
      audienceEvent({ messageId: 'm1', userId: 'u1' }),
      audienceEvent({ messageId: 'm2', userId: undefined }),
      audienceEvent({ messageId: 'm3', userId: 'u3' }),
    ],
  },
  {
    name: 'batch-two-lists',
    mode: 'batch',
    settings: HYBRID,
    events: [
      audienceEvent({ messageId: 'm1', userId: 'u1', key: 'vip_users', listId: '1234' }),
      audienceEvent({ messageId: 'm2', userId: 'u2', key: 'churn_risk', listId: '5678' }),
    ],
    difference: 'L1',
  },
  {
    name: 'iterable-invalid-list',
    settings: HYBRID,
    events: [audienceEvent({ listId: '999' })],
    answers: [
      {
        status: 400,
        body: { msg: 'error.lists.invalidListId(999)', code: 'Success', params: { listId: 999 } },
      },
    ],
  },
  {
    name: 'batch-iterable-rate-limited',
    mode: 'batch',
    settings: HYBRID,
    events: [
      audienceEvent({ messageId: 'm1', userId: 'u1' }),
      audienceEvent({ messageId: 'm2', userId: 'u2' }),
    ],
    answers: [{ status: 429, body: { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' } }],
  },
  {
    name: 'batch-partial-failure',
    mode: 'batch',
    settings: HYBRID,
    events: [
      audienceEvent({ messageId: 'm1', userId: 'u1', traits: { email: 'bad@', vip_users: true } }),
      audienceEvent({ messageId: 'm2', userId: 'u2', traits: { email: 'b@example.com', vip_users: true } }),
    ],
    answers: [
      {
        status: 200,
        body: {
          successCount: 1,
          failCount: 1,
          invalidEmails: ['bad@'],
          invalidUserIds: [],
          failedUpdates: { invalidEmails: ['bad@'] },
        },
      },
    ],
    difference: 'L3',
  },
]

/** A value's JSON form without undefined members (as a vector stores it). */
const plain = (value) => JSON.parse(JSON.stringify(value ?? null))

async function runCase(c) {
  recorded = []
  answers = [...(c.answers ?? [])]
  const mapping = { ...DEFAULT_MAPPING, ...(c.mapping ?? {}) }
  const common = {
    mapping,
    settings: c.settings,
    features: {},
    statsContext: {},
    logger: { info() {}, error() {}, warn() {}, debug() {} },
    transactionContext: {},
    stateContext: {},
    subscriptionMetadata: {},
  }
  const result = { requests: [], outcomes: [] }
  if (c.mode === 'batch') {
    const events = c.events.map(plain)
    try {
      const responses = await destination.executeBatch('syncAudience', { ...common, events })
      result.outcomes = events.map((_, i) => {
        const value = responses[i]?.value?.() ?? responses[i]
        if (value === undefined) return { status: null }
        return value.errormessage !== undefined
          ? { status: value.status, error: value.errormessage, errortype: value.errortype }
          : { status: value.status, sent: plain(value.sent) }
      })
    } catch (error) {
      result.error = { message: error.message, code: error.code, status: error.status }
    }
  } else {
    try {
      await destination.executeAction('syncAudience', { ...common, event: plain(c.events[0]) })
      result.outcomes = [{ status: 200 }]
    } catch (error) {
      result.outcomes = [{ error: error.message, code: error.code ?? null, status: error.status ?? null }]
    }
  }
  result.requests = recorded.map((r) => ({ ...r, url: r.url.replace(`:${port}`, '') }))
  return result
}

mkdirSync(OUT, { recursive: true })
for (const c of CASES) {
  const expected = await runCase(c)
  const vector = {
    name: c.name,
    reference: `@segment/action-destinations ${VERSION} iterable-audiences syncAudience`,
    mode: c.mode ?? 'single',
    ...(c.difference ? { difference: c.difference } : {}),
    settings: c.settings,
    mapping: { ...DEFAULT_MAPPING, ...(c.mapping ?? {}) },
    events: c.events.map(plain),
    ...(c.answers ? { answers: c.answers } : {}),
    expected,
  }
  writeFileSync(path.join(OUT, `${c.name}.json`), JSON.stringify(vector, null, 2) + '\n')
  console.log(c.name, JSON.stringify(expected).slice(0, 300))
}
server.close()
