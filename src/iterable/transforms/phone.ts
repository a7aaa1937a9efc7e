// Phone handling (reference §4.4) with D2: `phoneNumber` is written into the user's dataFields
// only when the phone field is a string or an explicit null (clear). When it resolved to nothing,
// dataFields stay as mapped, so an existing `phoneNumber` there is not erased.
import { convertDatesInObject } from './dates.js'

/** `owned`: dataFields is a fresh object of ours (not the event's), so it may be written into. */
export function withPhoneNumber(
  dataFields: Record<string, unknown>,
  phone: unknown,
  owned = false,
): Record<string, unknown> {
  if (typeof phone !== 'string' && phone !== null) return dataFields
  if (!owned) return { ...dataFields, phoneNumber: phone }
  dataFields.phoneNumber = phone
  return dataFields
}

/** Date-converted dataFields plus phoneNumber (D2), copying the mapped object at most once. */
export function userDataFields(
  mapped: Record<string, unknown> | undefined,
  phone: unknown,
): Record<string, unknown> {
  if (!mapped) return withPhoneNumber({}, phone, true)
  const converted = convertDatesInObject(mapped)
  return withPhoneNumber(converted, phone, converted !== mapped)
}
