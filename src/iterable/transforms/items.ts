// Items transform (reference §4.3), kept as the reference does it: `categories` becomes a
// one-element array, extra keys appear at the top level and, date-converted, in the item's
// dataFields; a mapped item dataFields is discarded.
import { convertDatesInObject } from './dates.js'

const RESERVED_KEYS = new Set([
  'product_id',
  'id',
  'sku',
  'name',
  'price',
  'quantity',
  'categories',
  'category',
  'url',
  'image_url',
  'imageUrl',
])

export function transformItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const extras: Record<string, unknown> = {}
  let hasExtras = false
  for (const key in item) {
    if (key === 'dataFields' || key === 'categories') continue
    const value = item[key]
    if (key === '__proto__') continue
    out[key] = value
    if (!RESERVED_KEYS.has(key)) {
      extras[key] = value
      hasExtras = true
    }
  }
  out.dataFields = hasExtras ? convertDatesInObject(extras) : extras
  if (item.categories) out.categories = [item.categories]
  return out
}

export function transformItems(
  items: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Record<string, unknown>[] {
  return items.map(transformItem)
}
