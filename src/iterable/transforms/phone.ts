// Phone handling (reference §4.4) with D2: `phoneNumber` is written into the user's dataFields
// only when the phone field is a string or an explicit null (clear). When it resolved to nothing,
// dataFields stay as mapped, so an existing `phoneNumber` there is not erased.

export function withPhoneNumber(
  dataFields: Record<string, unknown>,
  phone: unknown,
): Record<string, unknown> {
  if (typeof phone === 'string' || phone === null) return { ...dataFields, phoneNumber: phone }
  return dataFields
}
