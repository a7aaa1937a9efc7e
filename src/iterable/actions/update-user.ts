// "Upsert User" (reference §3.1, §4.5) with D1, D2, D6, D9, D12.
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import {
  BATCH_SIZE_FIELD,
  ENABLE_BATCHING_FIELD,
  EMAIL_FIELD,
  MERGE_NESTED_OBJECTS_FIELD,
  USER_DATA_FIELDS,
  USER_ID_FIELD,
  USER_PHONE_NUMBER_FIELD,
} from '../shared-fields.js'
import { userDataFields } from '../transforms/phone.js'
import { checkIdentifiers } from './identifiers.js'
import type {
  ActionDefinition,
  FollowUpRequest,
  JsonObject,
  PlanContext,
  PlannedDelivery,
  PlanRejection,
} from './types.js'

export const updateUserFields = defineFields({
  email: { ...EMAIL_FIELD, default: { '@path': '$.traits.email' } },
  userId: USER_ID_FIELD,
  newEmail: {
    label: 'New Email Address',
    description:
      'For single event processing, Segment makes a separate API call to set the new email address. Batch updating a profile email address is only supported for Hybrid projects.',
    type: 'string',
    format: 'email',
    required: false,
  },
  dataFields: USER_DATA_FIELDS,
  phoneNumber: USER_PHONE_NUMBER_FIELD,
  mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
  enable_batching: ENABLE_BATCHING_FIELD,
  updateOnly: {
    label: 'Update Only',
    description:
      'When enabled, only existing users are updated and no new users are created. Only applies when batching is enabled. Ask Iterable to enable this option for your project.',
    type: 'boolean',
    required: false,
    depends_on: { match: 'all', conditions: [{ fieldKey: 'enable_batching', operator: 'is', value: true }] },
    disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
  },
  batch_size: BATCH_SIZE_FIELD,
})

/** Payload keys that never go into the user object (reference §4.5 step 2, and D1). */
const NOT_IN_USER = new Set([
  'newEmail',
  'updateOnly',
  'enable_batching',
  'batch_size',
  'phoneNumber',
  'dataFields',
])

function buildUser(payload: JsonObject): JsonObject {
  const user: JsonObject = {}
  for (const key in payload) if (!NOT_IN_USER.has(key)) user[key] = payload[key]
  user.dataFields = userDataFields(payload.dataFields as JsonObject | undefined, payload.phoneNumber)
  return user
}

/** D9: how a new email is applied — Iterable's updateEmail call, or `dataFields.email`. */
function newEmailVia(context: PlanContext): 'updateEmail' | 'dataFields' {
  const projectType = context.settings.projectType
  if (projectType === 'email') return 'updateEmail'
  if (projectType === 'userId' || projectType === 'hybrid') return 'dataFields'
  return context.batching ? 'dataFields' : 'updateEmail' // not set: the reference's behaviour
}

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const { email, userId, newEmail } = payload
  const rejection = checkIdentifiers(email, userId, context.settings.projectType)
  if (rejection) return rejection
  const user = buildUser(payload)
  let followUps: FollowUpRequest[] | undefined
  if (newEmail) {
    if (newEmailVia(context) === 'dataFields') {
      user.dataFields = { ...(user.dataFields as JsonObject), email: newEmail }
    } else {
      const body: JsonObject = {}
      if (email) body.currentEmail = email
      if (userId) body.currentUserId = userId
      body.newEmail = newEmail
      const followUp: FollowUpRequest = { method: 'POST', path: ENDPOINTS.updateEmail, body }
      if (context.batching) followUp.retryWhileUserMissing = true
      followUps = [followUp]
    }
  }
  const delivery: PlannedDelivery = { action: 'updateUser', endpoint: ENDPOINTS.updateUser, item: user }
  if (context.batching) {
    // D12: updateOnly is per event, so it is part of the batch key; single mode ignores it.
    const updateOnly = payload.updateOnly === true
    delivery.bulkEndpoint = ENDPOINTS.bulkUpdateUser
    delivery.bulkListKey = 'users'
    delivery.batchKey = updateOnly ? 'updateUser:updateOnly' : 'updateUser'
    if (updateOnly) delivery.bulkEnvelope = { updateOnly: true }
  }
  if (followUps) delivery.followUps = followUps
  return [delivery]
}

export const updateUser: ActionDefinition<typeof updateUserFields> = {
  key: 'updateUser',
  title: 'Upsert User',
  description: 'Creates or updates a user',
  defaultSubscription: 'type = "identify"',
  fields: updateUserFields,
  bulkEndpoint: ENDPOINTS.bulkUpdateUser,
  plan,
}
