// How deep JSON text nests, found without parsing it: JSON.parse takes any depth, but the recursive
// code that later copies, merges or writes the value (JSON.stringify included) overflows the stack
// from a few thousand levels. A linear scan of the text, no recursion.

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * True when `text` opens more than `limit` objects and arrays inside one another (the outermost
 * value is level 1); brackets inside strings do not count. Invalid JSON is left to the parser.
 */
export function jsonTextNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
  }
  return false
}
