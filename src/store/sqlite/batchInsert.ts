// Multi-row INSERT ... VALUES (...), (...) in chunks: one statement execution per chunk instead of
// per row. Statements are prepared lazily per chunk size and cached, so only a handful exist.
import type Database from 'better-sqlite3'

const MAX_ROWS_PER_STATEMENT = 64

export class BatchInsert {
  readonly #db: Database.Database
  readonly #head: string
  readonly #row: string
  readonly #columns: number
  readonly #statements = new Map<number, Database.Statement>()

  /** `head` is `INSERT INTO t (a, b, c)`; `columns` the number of placeholders per row. */
  constructor(db: Database.Database, head: string, columns: number) {
    this.#db = db
    this.#head = head
    this.#columns = columns
    this.#row = `(${new Array<string>(columns).fill('?').join(', ')})`
  }

  #statement(rows: number): Database.Statement {
    let stmt = this.#statements.get(rows)
    if (!stmt) {
      stmt = this.#db.prepare(`${this.#head} VALUES ${new Array<string>(rows).fill(this.#row).join(', ')}`)
      this.#statements.set(rows, stmt)
    }
    return stmt
  }

  /**
   * Inserts `count` rows whose values `fill` writes into the flat array at `offset`; returns the
   * rowid of the last row. Rowids of one statement are consecutive (single writer inside the
   * transaction), so row i of a chunk has rowid last - (chunk - 1 - i).
   */
  run(count: number, fill: (row: number, values: unknown[], offset: number) => void): number[] {
    const ids: number[] = new Array(count)
    for (let start = 0; start < count; start += MAX_ROWS_PER_STATEMENT) {
      const rows = Math.min(MAX_ROWS_PER_STATEMENT, count - start)
      const values: unknown[] = new Array(rows * this.#columns)
      for (let i = 0; i < rows; i++) fill(start + i, values, i * this.#columns)
      const last = Number(this.#statement(rows).run(values).lastInsertRowid)
      for (let i = 0; i < rows; i++) ids[start + i] = last - (rows - 1 - i)
    }
    return ids
  }
}
