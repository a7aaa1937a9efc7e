// Writing data fields onto a stored profile (spec §7.3): top-level merge, `null` deletes,
// `mergeNestedObjects` merges object values instead of replacing them.

/** ⚠ How far `mergeNestedObjects` recurses: every level ('deep') or only the first ('one'). */
export type MergeDepth = 'deep' | 'one'

export type Fields = Record<string, unknown>

export function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Drops `null` keys inside an object value in place (the value is the sandbox's own parsed body). */
function stripNulls(value: unknown): unknown {
  if (isPlainObject(value)) {
    for (const key in value) {
      const v = value[key]
      if (v === null || v === undefined) delete value[key]
      else if (typeof v === 'object') stripNulls(v)
    }
  }
  return value
}

function mergeInto(target: Fields, incoming: Fields, levelsLeft: number): void {
  for (const key in incoming) {
    const value = incoming[key]
    if (value === undefined) continue
    if (value === null) {
      delete target[key]
      continue
    }
    const current = target[key]
    if (levelsLeft > 1 && isPlainObject(value) && isPlainObject(current))
      mergeInto(current, value, levelsLeft - 1)
    else target[key] = stripNulls(value)
  }
}

/** Applies `incoming` to `target`; keys in `skip` (identifiers) are left to the caller. */
export function applyDataFields(
  target: Fields,
  incoming: Fields,
  mergeNestedObjects: boolean,
  depth: MergeDepth,
  skip: ReadonlySet<string>,
): void {
  const levels = depth === 'deep' ? Number.POSITIVE_INFINITY : 1
  for (const key in incoming) {
    if (skip.has(key)) continue
    const value = incoming[key]
    if (value === undefined) continue
    if (value === null) {
      delete target[key]
      continue
    }
    const current = target[key]
    if (mergeNestedObjects && isPlainObject(value) && isPlainObject(current))
      mergeInto(current, value, levels)
    else target[key] = stripNulls(value)
  }
}

/** Top-level keys of `incoming` that are not yet known fields (for `createNewFields: false`). */
export function dropUnknownFields(
  incoming: Fields,
  known: (key: string) => boolean,
  dropped: Set<string>,
): void {
  for (const key in incoming) {
    if (!known(key)) {
      dropped.add(key)
      delete incoming[key]
    }
  }
}
