// A mapping field as the editor holds it: a path from the event, a literal, or a directive in JSON;
// and the conversions from and to the stored mapping value.
import type { FieldDefinition } from './types'

export type FieldMode = 'path' | 'literal' | 'directive'

export interface FieldDraft {
  mode: FieldMode
  text: string
}

/** Thrown when a field's text cannot become a mapping value; carries the field key. */
export class FieldDraftError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'FieldDraftError'
  }
}

function isPathDirective(value: unknown): value is { '@path': string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>)['@path'] === 'string'
  )
}

export function draftOf(value: unknown): FieldDraft {
  if (value === undefined) return { mode: 'literal', text: '' }
  if (isPathDirective(value)) return { mode: 'path', text: value['@path'] }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { mode: 'literal', text: String(value) }
  }
  return { mode: 'directive', text: JSON.stringify(value, null, 2) }
}

/** The stored value, or undefined when the field is left empty. */
export function valueOf(key: string, draft: FieldDraft, definition: FieldDefinition | undefined): unknown {
  const text = draft.text.trim()
  if (text === '') return undefined
  if (draft.mode === 'path') {
    if (!text.startsWith('$'))
      throw new FieldDraftError(key, 'A path starts with $, e.g. $.properties.price.')
    return { '@path': text }
  }
  if (draft.mode === 'directive') {
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw new FieldDraftError(key, `This is not valid JSON: ${(error as Error).message}`)
    }
  }
  const type = definition?.type
  if (type === 'number' || type === 'integer') {
    const number = Number(text)
    if (!Number.isFinite(number)) throw new FieldDraftError(key, `"${text}" is not a number.`)
    return number
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new FieldDraftError(key, 'Choose true or false.')
    return text === 'true'
  }
  return draft.text
}
