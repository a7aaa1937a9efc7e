// Every mapping-kit conformance vector (reference §6.1, shared/conformance/mapping-vectors.json).
import { describe, expect, it } from 'vitest'
import {
  compileMapping,
  MappingRuntimeError,
  MappingValidationError,
} from '../../src/engine/mapping/index.js'
import { readSharedJson } from '../helpers/shared.js'

interface MappingVector {
  id: string
  variant?: string
  title: string
  mapping: unknown
  input: unknown
  output?: unknown
  undefinedAt?: string[]
  undefinedOutput?: true
  error?: string
  validationErrors?: string[]
}

const vectors = readSharedJson<MappingVector[]>('conformance/mapping-vectors.json')

/** The expected value with each `undefinedAt` JSON pointer (written as null in the file) set to undefined. */
function expectedOutput(vector: MappingVector): unknown {
  const output = structuredClone(vector.output)
  for (const pointer of vector.undefinedAt ?? []) {
    const segments = pointer
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    const last = segments.pop() as string
    let parent = output as Record<string, unknown>
    for (const segment of segments) parent = parent[segment] as Record<string, unknown>
    expect(parent[last], `${pointer} is null in the file`).toBeNull()
    parent[last] = undefined
  }
  return output
}

function caught(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, got none')
}

describe('mapping-kit conformance vectors', () => {
  it('has the 211 ids of §6.1 (M210/M211 expanded per variant)', () => {
    expect(new Set(vectors.map((vector) => vector.id)).size).toBe(211)
    expect(vectors.filter((vector) => vector.id === 'M210')).toHaveLength(6)
    expect(vectors.filter((vector) => vector.id === 'M211')).toHaveLength(20)
  })

  for (const vector of vectors) {
    const name = `${vector.id}${vector.variant ? ` [${vector.variant}]` : ''} ${vector.title}`
    it(name, () => {
      const mappingBefore = structuredClone(vector.mapping)
      const inputBefore = structuredClone(vector.input)

      if (vector.validationErrors) {
        const error = caught(() => compileMapping(vector.mapping))
        expect(error).toBeInstanceOf(MappingValidationError)
        expect((error as MappingValidationError).code).toBe('MAPPING_INVALID')
        expect((error as MappingValidationError).messages).toEqual(vector.validationErrors)
        expect(vector.mapping).toEqual(mappingBefore)
        return
      }

      const transform = compileMapping(vector.mapping)
      if (vector.error !== undefined) {
        const error = caught(() => transform(vector.input))
        expect(error).toBeInstanceOf(MappingRuntimeError)
        expect((error as MappingRuntimeError).code).toBe('MAPPING_RUNTIME')
        expect((error as Error).message).toBe(vector.error)
      } else if (vector.undefinedOutput) {
        expect(transform(vector.input)).toBeUndefined()
      } else {
        const expected = expectedOutput(vector)
        expect(transform(vector.input)).toStrictEqual(expected)
        // Compiled once, the same function gives the same result again.
        expect(transform(vector.input)).toStrictEqual(expected)
      }
      expect(vector.input).toStrictEqual(inputBefore)
      expect(vector.mapping).toStrictEqual(mappingBefore)
    })
  }
})
