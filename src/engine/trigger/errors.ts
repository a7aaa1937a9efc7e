// Typed errors of the trigger language. Consumers branch on `code`, never on the message.

/** 1-based line and column of a 0-based offset; CRLF, LF and a lone CR each end a line. */
export function lineAndColumn(source: string, position: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < position && i < source.length; i++) {
    const ch = source.charCodeAt(i)
    if (ch === 10 || (ch === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: position - lineStart + 1 }
}

/** A trigger text that is not valid in the trigger language; names where and what was expected. */
export class TriggerSyntaxError extends Error {
  readonly code = 'TRIGGER_SYNTAX' as const
  /** 0-based offset into the trigger text. */
  readonly position: number
  readonly line: number
  readonly column: number
  /** What the parser expected at `position`, in words (e.g. `"and", "or" or end of trigger`). */
  readonly expected: string
  /** What it found there (e.g. `"AND"`, `end of trigger`). */
  readonly found: string

  constructor(source: string, position: number, found: string, expected: string, hint?: string) {
    const { line, column } = lineAndColumn(source, position)
    super(
      `Unexpected ${found} at line ${line}, column ${column}: expected ${expected}` +
        (hint ? `. ${hint}` : ''),
    )
    this.name = 'TriggerSyntaxError'
    this.position = position
    this.line = line
    this.column = column
    this.expected = expected
    this.found = found
  }
}

/** An AST that cannot be written as trigger text (or compiled): unknown node, operator or value. */
export class TriggerAstError extends Error {
  readonly code = 'TRIGGER_AST' as const

  constructor(message: string) {
    super(message)
    this.name = 'TriggerAstError'
  }
}
