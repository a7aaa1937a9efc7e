// getFieldValueKeys (reference §1.8): the event paths a mapping value refers to, for UIs.
import { liquidEngine } from './liquid.js'
import { isPlainObject } from './values.js'

const PLACEHOLDER = /\{\{\{([^}]+)\}\}\}|\{\{([^}]+)\}\}/g

function templateKeys(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? match[2])
}

function liquidKeys(template: string): string[] {
  try {
    return liquidEngine().fullVariablesSync(template)
  } catch {
    return []
  }
}

/**
 * `@path` → the path as written; `@template` → each placeholder's content (untrimmed);
 * `@liquid` → LiquidJS variable paths; `@literal`/`@excludeWhenNull` → none; `@arrayPath` → its
 * root path only (shape paths are relative to each item, not event paths); other directives,
 * plain objects and arrays → the keys of their parts, in order.
 */
export function getFieldValueKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(getFieldValueKeys)
  if (!isPlainObject(value)) return []
  const keys = Object.keys(value)
  const name = keys.find((key) => key.startsWith('@'))
  if (name === undefined) return keys.flatMap((key) => getFieldValueKeys(value[key]))
  const option = value[name]
  switch (name) {
    case '@path':
      return typeof option === 'string' ? [option] : getFieldValueKeys(option)
    case '@template':
      return typeof option === 'string' ? templateKeys(option) : getFieldValueKeys(option)
    case '@liquid':
      return typeof option === 'string' ? liquidKeys(option) : []
    case '@literal':
    case '@excludeWhenNull':
      return []
    case '@arrayPath': {
      if (!Array.isArray(option)) return []
      const [root] = option as unknown[]
      return typeof root === 'string' ? [root] : getFieldValueKeys(root)
    }
    default:
      return getFieldValueKeys(option)
  }
}
