// @template (reference §1.7): `{{{X}}}` placeholders first, then `{{X}}` over the result; no escaping.
import { compilePath, lookup, splitPath, type PathGetter } from './path.js'
import { toJsString } from './values.js'

type Part = string | PathGetter

const TRIPLE = /\{\{\{([^}]+)\}\}\}/g
const DOUBLE = /\{\{([^}]+)\}\}/g

/** Missing and null render as ""; everything else by JavaScript's string conversion. */
function placeholderText(value: unknown): string {
  return value === undefined || value === null ? '' : toJsString(value)
}

function parseParts(template: string, pattern: RegExp): Part[] {
  const parts: Part[] = []
  let last = 0
  for (const match of template.matchAll(pattern)) {
    if (match.index > last) parts.push(template.slice(last, match.index))
    // No `$.` stripping in templates: `{{$.x}}` looks up the key `$`.
    parts.push(compilePath(match[1].trim()))
    last = match.index + match[0].length
  }
  if (last < template.length) parts.push(template.slice(last))
  return parts
}

function renderParts(parts: readonly Part[], payload: unknown): string {
  let text = ''
  for (const part of parts) text += typeof part === 'string' ? part : placeholderText(part(payload))
  return text
}

function hasPlaceholder(parts: readonly Part[]): boolean {
  return parts.some((part) => typeof part !== 'string')
}

/** Compiles a template string once; the returned function renders it for one payload. */
export function compileTemplate(template: string): (payload: unknown) => string {
  const triple = parseParts(template, TRIPLE)
  if (!hasPlaceholder(triple)) {
    const double = parseParts(template, DOUBLE)
    if (!hasPlaceholder(double)) return () => template
    return (payload) => renderParts(double, payload)
  }
  // Text produced by the first pass is scanned again by the second (reference quirk), so the
  // second pass can only run on the rendered string.
  return (payload) =>
    renderParts(triple, payload).replace(DOUBLE, (_match, inner: string) =>
      placeholderText(lookup(payload, splitPath(inner.trim()))),
    )
}
