import { StoreError } from '../errors.js'
import type { SecretBox } from '../secrets.js'
import type { Store, StoreLimits } from '../types.js'
import type { PostgresStoreOptions } from '../index.js'

export async function openPostgresStore(
  _options: PostgresStoreOptions,
  _box: SecretBox,
  _limits: StoreLimits,
): Promise<Store> {
  throw new StoreError('invalid_input', 'The PostgreSQL store is not implemented yet')
}
