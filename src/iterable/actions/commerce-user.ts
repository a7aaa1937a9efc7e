// The `user` object of updateCart and trackPurchase (reference §3.3, §4.7 steps 2–3, D2).
import type { FieldDefinition } from '../../engine/fields/types.js'
import {
  CART_USER_DEFAULT,
  EMAIL_FIELD,
  MERGE_NESTED_OBJECTS_FIELD,
  USER_DATA_FIELDS,
  USER_ID_FIELD,
  USER_PHONE_NUMBER_FIELD,
} from '../shared-fields.js'
import { userDataFields } from '../transforms/phone.js'
import type { JsonObject } from './types.js'

const USER_DESCRIPTION = 'Updates user data or adds a user if none exists'

/** The nested property defaults are the reference's (`$.traits…`); the object default is what is used. */
export const CART_USER_FIELD = {
  label: 'User Data',
  description: USER_DESCRIPTION,
  type: 'object',
  required: true,
  additionalProperties: false,
  default: CART_USER_DEFAULT,
  properties: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
    dataFields: USER_DATA_FIELDS,
    phoneNumber: USER_PHONE_NUMBER_FIELD,
  },
} as const satisfies FieldDefinition

export const PURCHASE_USER_FIELD = {
  ...CART_USER_FIELD,
  properties: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    dataFields: USER_DATA_FIELDS,
    mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
    phoneNumber: USER_PHONE_NUMBER_FIELD,
  },
} as const satisfies FieldDefinition

/** The user without `phoneNumber`, whose value goes into the converted dataFields instead. */
export function buildCommerceUser(user: JsonObject): JsonObject {
  const out: JsonObject = {}
  for (const key in user) if (key !== 'phoneNumber' && key !== 'dataFields') out[key] = user[key]
  out.dataFields = userDataFields(user.dataFields as JsonObject | undefined, user.phoneNumber)
  return out
}
