// Mapping names are unique per destination, compared ignoring case (a UI lists them by name and
// `apply` matches them by name): a create or rename that would clash is refused with 409.
import type { Store } from '../../store/types.js'
import { AdminApiError } from './errors.js'

/** Throws 409 `name_taken` when another mapping of the destination has this name (any case). */
export async function requireUniqueMappingName(
  store: Store,
  destinationId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  const wanted = name.toLowerCase()
  const clash = (await store.listMappings(destinationId)).find(
    (m) => m.id !== exceptId && m.name.toLowerCase() === wanted,
  )
  if (clash === undefined) return
  const destination = await store.getDestination(destinationId)
  const same = clash.name === name ? '' : ` ("${clash.name}": names are compared ignoring case)`
  throw new AdminApiError(
    409,
    'name_taken',
    `Destination "${destination?.name ?? destinationId}" already has a mapping named "${name}"${same}; choose another name.`,
    'body.name',
    { mappingId: clash.id, name: clash.name },
  )
}
