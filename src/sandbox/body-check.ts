// Hand-written JSON shape checks (no schema compile per request): wrong JSON types anywhere fail
// the whole request with 400 BadJsonBody and params like {"obj.events[1].createdAt": "Number value expected"}.

import { ApiError } from './api-error.js'
import { isPlainObject } from './data-fields.js'
import type { Fields } from './data-fields.js'

const MISSING = 'error.path.missing'

export class BodyCheck {
  private errors: Record<string, string> | undefined

  constructor(private readonly route: string) {}

  private add(path: string, message: string): void {
    ;(this.errors ??= {})[path] = message
  }

  /** The body itself must be an object. */
  root(body: unknown): Fields {
    if (!isPlainObject(body)) throw this.error({ obj: 'Object value expected' })
    return body
  }

  string(o: Fields, key: string, path: string, required = false): string | undefined {
    const v = o[key]
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${key}`, MISSING)
      return undefined
    }
    if (typeof v !== 'string') {
      this.add(`${path}.${key}`, 'String value expected')
      return undefined
    }
    return v
  }

  boolean(o: Fields, key: string, path: string): boolean | undefined {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'boolean') {
      this.add(`${path}.${key}`, 'Boolean value expected')
      return undefined
    }
    return v
  }

  number(o: Fields, key: string, path: string, required = false, integer = false): number | undefined {
    const v = o[key]
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${key}`, MISSING)
      return undefined
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      this.add(`${path}.${key}`, 'Number value expected')
      return undefined
    }
    return v
  }

  object(o: Fields, key: string, path: string, required = false): Fields | undefined {
    const v = o[key]
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${key}`, MISSING)
      return undefined
    }
    if (!isPlainObject(v)) {
      this.add(`${path}.${key}`, 'Object value expected')
      return undefined
    }
    return v
  }

  array(o: Fields, key: string, path: string, required = false): unknown[] | undefined {
    const v = o[key]
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${key}`, MISSING)
      return undefined
    }
    if (!Array.isArray(v)) {
      this.add(`${path}.${key}`, 'Array value expected')
      return undefined
    }
    return v
  }

  /** An array whose elements must be objects; wrong elements are reported. */
  objects(o: Fields, key: string, path: string, required = false): Fields[] {
    const list = this.array(o, key, path, required)
    if (list === undefined) return []
    for (let i = 0; i < list.length; i++) {
      if (!isPlainObject(list[i])) this.add(`${path}.${key}[${i}]`, 'Object value expected')
    }
    return list as Fields[]
  }

  numbers(o: Fields, key: string, path: string): number[] | undefined {
    const list = this.array(o, key, path)
    if (list === undefined) return undefined
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] !== 'number' || !Number.isInteger(list[i]))
        this.add(`${path}.${key}[${i}]`, 'Number value expected')
    }
    return list as number[]
  }

  strings(o: Fields, key: string, path: string): string[] | undefined {
    const list = this.array(o, key, path)
    if (list === undefined) return undefined
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] !== 'string') this.add(`${path}.${key}[${i}]`, 'String value expected')
    }
    return list as string[]
  }

  /** Common identity keys of a user-addressed object. */
  identity(o: Fields, path: string): { email?: string; userId?: string; preferUserId?: boolean } {
    return {
      email: this.string(o, 'email', path),
      userId: this.string(o, 'userId', path),
      preferUserId: this.boolean(o, 'preferUserId', path),
    }
  }

  /** Throws BadJsonBody when any check failed. */
  done(): void {
    if (this.errors !== undefined) throw this.error(this.errors)
  }

  private error(params: Record<string, string>): ApiError {
    return new ApiError(400, 'BadJsonBody', `[${this.route}] Invalid JSON body`, params)
  }
}
