// Numbered migrations, applied in order at open under an advisory lock (several nodes may start
// at once); the applied version lives in schema_version.
import m001 from './001_init.js'
import m002 from './002_outcome_payload.js'
import m003 from './003_jobs_ready.js'
import m004 from './004_event_log_delivery.js'
import m005 from './005_parked_waiting_for_user.js'
import m006 from './006_nodes_projects.js'
import m007 from './007_unique_mapping_names.js'
import m008 from './008_forgotten_users.js'
import m010 from './010_dead_letter_field.js'
import m011 from './011_admin_token.js'
import m012 from './012_forgotten_seen.js'

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001_init', sql: m001 },
  { version: 2, name: '002_outcome_payload', sql: m002 },
  { version: 3, name: '003_jobs_ready', sql: m003 },
  { version: 4, name: '004_event_log_delivery', sql: m004 },
  { version: 5, name: '005_parked_waiting_for_user', sql: m005 },
  { version: 6, name: '006_nodes_projects', sql: m006 },
  { version: 7, name: '007_unique_mapping_names', sql: m007 },
  { version: 8, name: '008_forgotten_users', sql: m008 },
  { version: 10, name: '010_dead_letter_field', sql: m010 },
  { version: 11, name: '011_admin_token', sql: m011 },
  { version: 12, name: '012_forgotten_seen', sql: m012 },
]
