// @liquid (reference §1.7): LiquidJS with the reference's limits, disabled tags and filters.
// Templates are parsed once at compile time (and cached); parse errors surface at evaluation.
import { Liquid, type Template } from 'liquidjs'
import { MappingRuntimeError } from './errors.js'
import { failing, type Node } from './node.js'
import { realTypeOf } from './values.js'

export const LIQUID_MAX_TEMPLATE_LENGTH = 1000

const DISABLED_TAGS = ['case', 'for', 'include', 'layout', 'render', 'tablerow']
const DISABLED_FILTERS = [
  'array_to_sentence_string',
  'concat',
  'find',
  'find_exp',
  'find_index',
  'find_index_exp',
  'group_by',
  'group_by_exp',
  'has',
  'has_exp',
  'map',
  'newline_to_br',
  'reject',
  'reject_exp',
  'reverse',
  'sort',
  'sort_natural',
  'uniq',
  'where_exp',
  'type',
]

let sharedEngine: Liquid | undefined

/** The one LiquidJS engine, configured as the reference's. */
export function liquidEngine(): Liquid {
  if (sharedEngine) return sharedEngine
  const engine = new Liquid({ renderLimit: 500, parseLimit: 1000, memoryLimit: 1e8 })
  for (const tag of DISABLED_TAGS) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`tag "${tag}" is disabled`)
      },
      render() {
        return ''
      },
    })
  }
  for (const filter of DISABLED_FILTERS) {
    engine.registerFilter(filter, () => {
      throw new Error(`filter "${filter}" is disabled`)
    })
  }
  sharedEngine = engine
  return engine
}

const CACHE_LIMIT = 500
const parsed = new Map<string, Template[] | { error: string }>()

function parseCached(source: string): Template[] | { error: string } {
  let entry = parsed.get(source)
  if (entry === undefined) {
    try {
      entry = liquidEngine().parse(source)
    } catch (error) {
      entry = { error: error instanceof Error ? error.message : String(error) }
    }
    if (parsed.size >= CACHE_LIMIT) parsed.clear()
    parsed.set(source, entry)
  }
  return entry
}

export function compileLiquid(source: unknown): Node {
  if (typeof source !== 'string') return failing(`@liquid: expected string, got ${realTypeOf(source)}`)
  if (source === '') return () => ''
  if (source.length > LIQUID_MAX_TEMPLATE_LENGTH) {
    return failing('liquid template values are limited to 1000 characters')
  }
  const templates = parseCached(source)
  if (!Array.isArray(templates)) return failing(templates.error)
  const engine = liquidEngine()
  return (payload) => {
    try {
      return String(engine.renderSync(templates, payload as object))
    } catch (error) {
      throw new MappingRuntimeError(error instanceof Error ? error.message : String(error), { cause: error })
    }
  }
}
