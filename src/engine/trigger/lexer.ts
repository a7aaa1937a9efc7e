// On-demand tokenizer of the trigger language. Compared with Segment's lexer (reference §2.1)
// it accepts CR as whitespace, operators without surrounding spaces (`x>3`, `x!=3`, `>=3`),
// `==`, non-ASCII letters in names, numeric path segments (`arr.0`, `arr[0]`) and exponents.
// A character that starts no token becomes an `invalid` token so the parser can say what it
// expected there; only an unterminated string or a dangling backslash fail in the lexer.

import { TriggerSyntaxError } from './errors.js'

export type TokenKind =
  | 'word' // a name or keyword, possibly a dotted path (`properties.a.b`, `arr[0]`)
  | 'string'
  | 'number'
  | 'operator' // = == != < <= > >=
  | 'bang' // ! (not followed by =)
  | '('
  | ')'
  | ','
  | 'invalid'
  | 'eof'

export interface Token {
  kind: TokenKind
  /** 0-based offsets of the token in the source. */
  start: number
  end: number
  /** The source text of the token. */
  raw: string
  /** word: path segments with escapes resolved (else empty); `escaped` tells a backslash was used. */
  segments: string[]
  escaped: boolean
  /** string: content without quotes; number: its value; operator: `=` for `==`; else the raw text. */
  value: string | number
}

const NO_SEGMENTS: string[] = []

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Bang = 33,
  DoubleQuote = 34,
  SingleQuote = 39,
  LParen = 40,
  RParen = 41,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Less = 60,
  Equals = 61,
  Greater = 62,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
}

function isDigit(ch: number): boolean {
  return ch >= Ch.Zero && ch <= Ch.Nine
}

const NON_ASCII_NAME = /[\p{L}\p{M}\p{N}]/u

/** Letters (any script) and `_` start a name. */
function isNameStart(source: string, i: number): boolean {
  const ch = source.charCodeAt(i)
  if ((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === Ch.Underscore) return true
  return ch > 127 && NON_ASCII_NAME.test(String.fromCodePoint(source.codePointAt(i) ?? 0))
}

/** Names continue with letters, digits, `_` and `-` (as in the reference). */
function isNamePart(source: string, i: number): boolean {
  const ch = source.charCodeAt(i)
  return isNameStart(source, i) || isDigit(ch) || ch === Ch.Minus
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of trigger'
    case 'string':
      return `string ${token.raw}`
    case 'number':
      return `number ${token.raw}`
    default:
      return JSON.stringify(token.raw)
  }
}

export class Lexer {
  private pos = 0
  private lookahead: Token | undefined

  constructor(readonly source: string) {}

  peek(): Token {
    if (this.lookahead === undefined) this.lookahead = this.scan()
    return this.lookahead
  }

  next(): Token {
    const token = this.peek()
    this.lookahead = undefined
    return token
  }

  private scan(): Token {
    const src = this.source
    let i = this.pos
    for (;;) {
      const ch = src.charCodeAt(i)
      if (ch === Ch.Space || ch === Ch.Tab || ch === Ch.LF || ch === Ch.CR) i++
      else break
    }
    const start = i
    if (i >= src.length) return this.token('eof', start, start)
    const ch = src.charCodeAt(i)
    switch (ch) {
      case Ch.LParen:
        return this.token('(', start, i + 1)
      case Ch.RParen:
        return this.token(')', start, i + 1)
      case Ch.Comma:
        return this.token(',', start, i + 1)
      case Ch.DoubleQuote:
      case Ch.SingleQuote:
        return this.scanString(start)
      case Ch.Equals: {
        const end = src.charCodeAt(i + 1) === Ch.Equals ? i + 2 : i + 1
        return this.token('operator', start, end, '=')
      }
      case Ch.Bang:
        if (src.charCodeAt(i + 1) === Ch.Equals) return this.token('operator', start, i + 2, '!=')
        return this.token('bang', start, i + 1)
      case Ch.Less:
      case Ch.Greater: {
        const end = src.charCodeAt(i + 1) === Ch.Equals ? i + 2 : i + 1
        return this.token('operator', start, end)
      }
    }
    if (isDigit(ch) || ((ch === Ch.Minus || ch === Ch.Plus) && isDigit(src.charCodeAt(i + 1)))) {
      return this.scanNumber(start)
    }
    if (isNameStart(src, i) || ch === Ch.Backslash) return this.scanWord(start)
    const width = (src.codePointAt(i) ?? 0) > 0xffff ? 2 : 1
    return this.token('invalid', start, i + width)
  }

  // Every token has the same fields (one object shape; spreading tokens was 10x slower on V8).
  private token(
    kind: TokenKind,
    start: number,
    end: number,
    value?: string | number,
    segments: string[] = NO_SEGMENTS,
    escaped = false,
  ): Token {
    this.pos = end
    const raw = this.source.slice(start, end)
    return { kind, start, end, raw, value: value ?? raw, segments, escaped }
  }

  private scanString(start: number): Token {
    const quote = this.source[start] as '"' | "'"
    const close = this.source.indexOf(quote, start + 1)
    if (close < 0) {
      throw new TriggerSyntaxError(
        this.source,
        start,
        'unterminated string',
        `a closing ${quote} before the end of the trigger`,
        'Strings have no escape sequences: write a value containing " in single quotes and vice versa',
      )
    }
    return this.token('string', start, close + 1, this.source.slice(start + 1, close))
  }

  private scanNumber(start: number): Token {
    const src = this.source
    let i = start + 1
    while (isDigit(src.charCodeAt(i))) i++
    if (src.charCodeAt(i) === Ch.Dot && isDigit(src.charCodeAt(i + 1))) {
      i += 2
      while (isDigit(src.charCodeAt(i))) i++
    }
    const e = src.charCodeAt(i)
    if (e === 101 || e === 69) {
      let j = i + 1
      const sign = src.charCodeAt(j)
      if (sign === Ch.Plus || sign === Ch.Minus) j++
      if (isDigit(src.charCodeAt(j))) {
        while (isDigit(src.charCodeAt(j))) j++
        i = j
      }
    }
    const raw = src.slice(start, i)
    const value = Number(raw)
    if (!Number.isFinite(value)) {
      throw new TriggerSyntaxError(src, start, `number ${raw}`, 'a finite number')
    }
    return this.token('number', start, i, value)
  }

  /** A name, or a path of names joined by `.` and `[digits]` with no whitespace in between. */
  private scanWord(start: number): Token {
    const src = this.source
    const segments: string[] = []
    let escaped = false
    let i = start
    const readName = (allowDigitStart: boolean): void => {
      const segStart = i
      let segment = ''
      let runStart = i
      for (;;) {
        const ch = src.charCodeAt(i)
        if (ch === Ch.Backslash) {
          if (i + 1 >= src.length) {
            throw new TriggerSyntaxError(src, i + 1, 'end of trigger', 'a character after "\\"')
          }
          const c = String.fromCodePoint(src.codePointAt(i + 1) ?? 0)
          segment += src.slice(runStart, i) + c
          escaped = true
          i += 1 + c.length
          runStart = i
        } else if (i === segStart && !allowDigitStart ? isNameStart(src, i) : isNamePart(src, i)) {
          i += ch >= 0xd800 && ch <= 0xdbff ? 2 : 1
        } else break
      }
      if (i === segStart) {
        const found =
          i >= src.length ? 'end of trigger' : JSON.stringify(String.fromCodePoint(src.codePointAt(i) ?? 0))
        throw new TriggerSyntaxError(src, i, found, 'a name after "."')
      }
      segments.push(segment + src.slice(runStart, i))
    }
    readName(false)
    for (;;) {
      const ch = src.charCodeAt(i)
      if (ch === Ch.Dot) {
        i++
        readName(true)
      } else if (ch === Ch.LBracket) {
        const digitsStart = i + 1
        let j = digitsStart
        while (isDigit(src.charCodeAt(j))) j++
        if (j === digitsStart || src.charCodeAt(j) !== Ch.RBracket) {
          const at = j
          const found = at >= src.length ? 'end of trigger' : JSON.stringify(src[at])
          throw new TriggerSyntaxError(src, at, found, j === digitsStart ? 'an array index (digits)' : '"]"')
        }
        segments.push(src.slice(digitsStart, j))
        i = j + 1
      } else break
    }
    return this.token('word', start, i, undefined, segments, escaped)
  }
}
