// "Merge Users" (issue 16 item 4): an alias call merges the user known by `previousId` into the one
// known by `userId` through /api/users/merge. The source's and the destination's ids are both
// ordering keys, so the source user's items from earlier events reach Iterable before the merge.
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import { rejected } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const MISSING_SOURCE = 'Must include the source user: sourceEmail or sourceUserId.'
export const MISSING_DESTINATION = 'Must include the destination user: destinationEmail or destinationUserId.'
export const SAME_USER = 'The source and the destination are the same user: nothing to merge.'

const identifierField = (label: string, description: string, email: boolean, path?: string) =>
  ({
    label,
    description,
    type: 'string',
    required: false,
    ...(email ? { format: 'email' } : {}),
    ...(path !== undefined ? { default: { '@path': path } } : {}),
  }) as const

export const mergeUsersFields = defineFields({
  sourceEmail: identifierField(
    'Source Email',
    'Email of the user merged away (deleted after the merge).',
    true,
  ),
  sourceUserId: identifierField(
    'Source User ID',
    'User ID of the user merged away (deleted after the merge).',
    false,
    '$.previousId',
  ),
  destinationEmail: identifierField('Destination Email', 'Email of the user that remains.', true),
  destinationUserId: identifierField(
    'Destination User ID',
    'User ID of the user that remains.',
    false,
    '$.userId',
  ),
})

function plan(payload: JsonObject, _context: PlanContext): PlannedDelivery[] | PlanRejection {
  const { sourceEmail, sourceUserId, destinationEmail, destinationUserId } = payload
  if (!sourceEmail && !sourceUserId) return rejected(MISSING_SOURCE)
  if (!destinationEmail && !destinationUserId) return rejected(MISSING_DESTINATION)
  const sameEmail =
    typeof sourceEmail === 'string' &&
    typeof destinationEmail === 'string' &&
    sourceEmail.toLowerCase() === destinationEmail.toLowerCase()
  if (sameEmail || (sourceUserId && sourceUserId === destinationUserId)) return rejected(SAME_USER)
  const item: JsonObject = {}
  for (const key of ['sourceEmail', 'sourceUserId', 'destinationEmail', 'destinationUserId']) {
    if (payload[key]) item[key] = payload[key]
  }
  return [{ action: 'mergeUsers', endpoint: ENDPOINTS.mergeUsers, item }]
}

export const mergeUsers: ActionDefinition<typeof mergeUsersFields> = {
  key: 'mergeUsers',
  title: 'Merge Users',
  description: 'Merges one user (the source) into another (the destination), e.g. on an alias call.',
  defaultSubscription: 'type = "alias"',
  fields: mergeUsersFields,
  plan,
}
