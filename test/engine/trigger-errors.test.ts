// Every malformed trigger is a TriggerSyntaxError naming the position and what was expected (D8).

import { describe, expect, it } from 'vitest'
import { MAX_NESTING, TriggerSyntaxError, compileTrigger } from '../../src/engine/trigger/index.js'

function syntaxError(text: string): TriggerSyntaxError {
  try {
    compileTrigger(text)
  } catch (error) {
    if (error instanceof TriggerSyntaxError) return error
    throw error
  }
  throw new Error(`${JSON.stringify(text)} compiled`)
}

// [text, position, found, part of expected]
const CASES: Array<[string, number, string, string]> = [
  ['', 0, 'end of trigger', 'a condition'],
  ['typo', 0, '"typo"', 'a field name'],
  ['TYPE = "track"', 0, '"TYPE"', 'a field name'],
  ['foo = "bar" and type = "track"', 0, '"foo"', 'a field name'],
  ['and type = "a"', 0, '"and"', 'a field name'],
  ['type = "a" AND type = "b"', 11, '"AND"', '"and", "or" or end of trigger'],
  ['type = "a" OR type = "b"', 11, '"OR"', '"and", "or" or end of trigger'],
  ['type = "a" type = "b"', 11, '"type"', '"and", "or" or end of trigger'],
  ['type = ', 7, 'end of trigger', 'a value'],
  ['type', 4, 'end of trigger', 'an operator'],
  ['type "x"', 5, 'string "x"', 'an operator'],
  ['type = track', 7, '"track"', 'a value'],
  ['type === "x"', 7, '"="', 'a value'],
  ['properties.x!==3', 14, '"="', 'a value'],
  ['contains', 8, 'end of trigger', '"(" after contains'],
  ['!contains', 9, 'end of trigger', '"(" after contains'],
  ['contains(event)', 14, '")"', '","'],
  ['contains(event, "a", "b")', 19, '","', '")"'],
  ['contains(, "a")', 9, '","', 'a field name'],
  ['contains(type, true)', 15, '"true"', 'a quoted string or a number'],
  ['match(event', 11, 'end of trigger', '","'],
  ['match(event, 5)', 13, 'number 5', 'a quoted pattern'],
  ['()', 1, '")"', 'a condition'],
  ['type = "x" and ()', 16, '")"', 'a condition'],
  ['(type = "track"', 15, 'end of trigger', '"and", "or" or ")"'],
  ['type = "track")', 14, '")"', '"and", "or" or end of trigger'],
  ['type = "a" and', 14, 'end of trigger', 'a condition'],
  ['not', 3, 'end of trigger', 'a condition'],
  ['!', 1, 'end of trigger', 'a condition'],
  ['properties = "x"', 11, '"="', '"." and a path after "properties"'],
  ['properties', 10, 'end of trigger', '"." and a path'],
  ['traits != null', 7, '"!="', '"." and a path after "traits"'],
  ['properties. = 1', 11, '" "', 'a name after "."'],
  ['properties.a[x] = 1', 13, '"x"', 'an array index'],
  ['properties.a[0 = 1', 14, '" "', '"]"'],
  ['properties.x\\', 13, 'end of trigger', 'a character after "\\"'],
  ['userId.x = "1"', 0, '"userId.x"', 'a field name'],
  ['type * "1"', 5, '"*"', 'an operator'],
  ['type = "x" # c', 11, '"#"', '"and", "or" or end of trigger'],
  ['type = "unterminated', 7, 'unterminated string', 'a closing "'],
  ["type = 'unterminated", 7, 'unterminated string', "a closing '"],
  ['properties.x > "abc"', 15, 'string "abc"', 'a number after ">"'],
  ['properties.x >= true', 16, '"true"', 'a number after ">="'],
  ['properties.x < null', 15, '"null"', 'a number'],
  ['properties.x < ""', 15, 'string ""', 'a number'],
  ['properties.x = 1e999', 15, 'number 1e999', 'a finite number'],
  ['type = "a"\nand\n  foo = 1', 17, '"foo"', 'a field name'],
]

describe('syntax errors name the position', () => {
  for (const [text, position, found, expected] of CASES) {
    it(`${JSON.stringify(text)} at ${position}: ${found}`, () => {
      const error = syntaxError(text)
      expect(error.code).toBe('TRIGGER_SYNTAX')
      expect(error.name).toBe('TriggerSyntaxError')
      expect(error).toBeInstanceOf(Error)
      expect(error.position).toBe(position)
      expect(error.found).toBe(found)
      expect(error.expected).toContain(expected)
      expect(error.message).toContain(
        `Unexpected ${found} at line ${error.line}, column ${error.column}: expected `,
      )
    })
  }

  it('writes the message as the brief’s example', () => {
    const error = syntaxError('type = "track" AND event = "A"')
    expect(
      error.message.startsWith(
        'Unexpected "AND" at line 1, column 16: expected "and", "or" or end of trigger',
      ),
    ).toBe(true)
    expect(error.message).toContain('did you mean "and"?')
  })

  it('counts lines and columns (LF, CRLF, CR)', () => {
    const lf = syntaxError('type = "a"\nand\n  foo = 1')
    expect([lf.line, lf.column]).toEqual([3, 3])
    const crlf = syntaxError('type = "a"\r\n  AND')
    expect([crlf.position, crlf.line, crlf.column]).toEqual([14, 2, 3])
    const cr = syntaxError('type = "a"\r\rx')
    expect([cr.line, cr.column]).toEqual([3, 1])
  })

  it('counts columns in UTF-16 code units after non-ASCII names', () => {
    const error = syntaxError('properties.Café = "x" AND')
    expect(error.position).toBe(22)
    expect(error.column).toBe(23)
  })

  it('suggests the spelling of a case-mismatched field', () => {
    expect(syntaxError('TYPE = "track"').message).toContain('did you mean "type"?')
    expect(syntaxError('userid = "u"').message).toContain('did you mean "userId"?')
    expect(syntaxError('userId.x = "1"').message).toContain('has no sub-fields')
  })

  it(`limits nesting to ${MAX_NESTING} levels`, () => {
    const deep = '('.repeat(MAX_NESTING + 1) + 'type = "x"' + ')'.repeat(MAX_NESTING + 1)
    const error = syntaxError(deep)
    expect(error.position).toBe(MAX_NESTING)
    expect(error.expected).toContain(`at most ${MAX_NESTING}`)
    const nots = 'not '.repeat(MAX_NESTING + 1) + 'type = "x"'
    expect(syntaxError(nots).expected).toContain(`at most ${MAX_NESTING}`)
    expect(compileTrigger('not '.repeat(MAX_NESTING) + 'type = "x"')({ type: 'x' })).toBe(true)
  })
})
