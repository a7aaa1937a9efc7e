// @replace (reference §1.7): literal, global by default, 10-character limits, "" for non-strings.
import { fail, failing, option, returnUndefined, type CompileContext, type Node } from './node.js'

const LIMIT = 10

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** One literal replacement, built once; its length errors surface only when it is applied. */
function literalReplacer(pattern: string, replacement: string, flags: string): (text: string) => string {
  if (pattern.length > LIMIT) return () => fail('@replace requires a "pattern" less than 10 characters')
  if (replacement.length > LIMIT) {
    return () => fail('@replace requires a "replacement" less than 10 characters')
  }
  const regex = new RegExp(escapeRegExp(pattern), flags)
  // A replacement string keeps JavaScript's `$&`, `$$`, `` $` ``, `$'` meaning, as in the reference.
  return (text) => text.replace(regex, replacement)
}

export function compileReplace(options: unknown, context: CompileContext): Node {
  const pattern = option(options, 'pattern')
  if (!pattern) return failing('@replace requires a "pattern" key')
  const replacement = option(options, 'replacement') ?? ''
  const pattern2 = option(options, 'pattern2')
  const replacement2 = option(options, 'replacement2') ?? (pattern2 ? '' : undefined)
  const ignorecase = option(options, 'ignorecase') ?? false
  const global = option(options, 'global') ?? true
  const value = option(options, 'value')
  if (!value) return returnUndefined

  const resolveValue = context.compile(value, false)
  const typesOk =
    typeof pattern === 'string' &&
    typeof replacement === 'string' &&
    typeof ignorecase === 'boolean' &&
    typeof global === 'boolean'
  if (!typesOk) {
    return (payload) => {
      resolveValue(payload)
      return ''
    }
  }
  const flags = (global ? 'g' : '') + (ignorecase ? 'i' : '')
  const first = literalReplacer(pattern, replacement, flags)
  const second =
    typeof pattern2 === 'string' && pattern2 !== '' && typeof replacement2 === 'string'
      ? literalReplacer(pattern2, replacement2, flags)
      : undefined

  return (payload) => {
    let resolved = resolveValue(payload)
    if (typeof resolved === 'boolean' || typeof resolved === 'number') resolved = String(resolved)
    if (typeof resolved !== 'string') return ''
    const once = first(resolved)
    return second === undefined ? once : second(once)
  }
}
