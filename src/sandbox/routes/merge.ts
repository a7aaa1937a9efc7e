// POST /api/users/merge (50/s per key): the source user's fields the destination lacks, its events and
// its list and subscription ids move to the destination; the source is deleted. ⚠ Iterable documents
// the call, not its merge rules: the destination's own values win here.
import { badParams } from '../api-error.js'
import { BodyCheck } from '../body-check.js'
import { SUCCESS } from '../context.js'
import { normalizeEmail } from '../identifiers.js'
import type { ProjectState, UserRecord } from '../state.js'
import type { HandlerInput, RouteDef } from './route.js'

const ID_LISTS = [
  'emailListIds',
  'userListIds',
  'unsubscribedChannelIds',
  'unsubscribedMessageTypeIds',
  'subscribedMessageTypeIds',
]

function find(
  project: ProjectState,
  email: string | undefined,
  userId: string | undefined,
  role: string,
): UserRecord {
  let user: UserRecord | undefined
  if (email !== undefined) {
    const normalized = normalizeEmail(email)
    if (normalized === undefined) throw badParams(`Invalid ${role}Email: ${email}`)
    user = project.findByEmail(normalized)
  } else if (userId !== undefined) user = project.findByUserId(userId)
  else throw badParams(`Must provide ${role}Email or ${role}UserId`)
  if (user === undefined) {
    throw badParams(
      `${role === 'source' ? 'Source' : 'Destination'} user does not exist. Email: ${email ?? ''} UserId: ${userId ?? ''}`,
    )
  }
  return user
}

function merge(input: HandlerInput): unknown {
  const { project, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const sourceEmail = check.string(body, 'sourceEmail', 'obj')
  const sourceUserId = check.string(body, 'sourceUserId', 'obj')
  const destinationEmail = check.string(body, 'destinationEmail', 'obj')
  const destinationUserId = check.string(body, 'destinationUserId', 'obj')
  check.done()
  const source = find(project, sourceEmail, sourceUserId, 'source')
  const destination = find(project, destinationEmail, destinationUserId, 'destination')
  if (source === destination) throw badParams('Source and destination are the same user')
  const fields = destination.dataFields
  for (const [key, value] of Object.entries(source.dataFields)) {
    if (key === 'email' || key === 'userId') continue
    if (ID_LISTS.includes(key) && Array.isArray(value)) {
      const current = Array.isArray(fields[key]) ? (fields[key] as unknown[]) : []
      fields[key] = [...current, ...value.filter((id) => !current.includes(id))]
    } else if (!(key in fields)) fields[key] = value
  }
  for (const event of source.events) {
    event.owner = destination
    destination.events.push(event)
    project.sink.eventChanged(project, event)
  }
  source.events = []
  project.deleteUser(source)
  project.touch(destination, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

export const mergeRoutes: RouteDef[] = [
  { method: 'POST', path: '/api/users/merge', ratePerSecond: 50, handler: merge },
]
