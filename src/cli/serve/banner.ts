// The start banner: where it listens, the store, the write key, the admin token, the delivery
// target and a first curl. A write key or admin token is shown in full only when it was generated at
// this start (there is no other way to learn it); one given on the command line or kept from an
// earlier start is shown as a hint, so that it does not end up in terminal scrollback, screen shares
// and log files.
import type { RunningService } from './service.js'

function deliveryLines(service: RunningService): string[] {
  switch (service.mode) {
    case 'sandbox':
      return [
        `  delivering to the BUILT-IN SANDBOX at ${service.targetUrl} — nothing is sent to Iterable`,
        `  sandbox inspection: ${service.sandbox?.url ?? ''}/_sandbox/stats`,
      ]
    case 'custom-url':
      return [`  delivering to ${service.targetUrl} (--iterable-url)`]
    case 'iterable':
      return [`  delivering to Iterable at ${service.targetUrl}`]
    case 'disabled':
      return [
        '  delivery DISABLED: no Iterable API key. Events are accepted and kept, and sent nowhere;',
        '  set one with --api-key (ITERABLE_API_KEY), or try it with --sandbox.',
      ]
  }
}

const WRITE_KEY_NOTES: Record<RunningService['writeKeyOrigin'], string> = {
  generated: 'generated, shown this once; pass --write-key to choose one',
  given: 'as given: --write-key / WRITE_KEY',
  stored: 'kept from an earlier start; POST /api/admin/sources/<id>/rotate replaces it',
}

/** The last 4 characters, only of a key long enough that they give little away (as the admin API). */
function keyHint(key: string): string {
  return key.length >= 12 ? `…${key.slice(-4)}` : '(not shown)'
}

const ROTATE = 'npx iterable-actions admin-token rotate (with the same --data or --database-url)'

/** A generated token in full (the one time it is shown), a stored one as its hint, a given one not at all. */
function adminTokenText(service: RunningService): string {
  switch (service.adminTokenOrigin) {
    case 'generated':
      return (
        `${service.adminToken ?? ''}  (generated and kept in the store, shown this once: later starts ` +
        `do not print it; ${ROTATE} prints a new one)`
      )
    case 'stored':
      return `…${service.adminTokenHint ?? ''}  (kept from an earlier start; ${ROTATE} prints a new one)`
    case 'given':
      return 'as given (--admin-token / ADMIN_TOKEN)'
  }
}

export function banner(service: RunningService): string {
  const lines: string[] = []
  lines.push(`iterable-actions is listening on ${service.url}`)
  lines.push(`  web UI: ${service.url}/  (sign in with the admin token)`)
  lines.push(`  ingest (Segment HTTP API): ${service.url}/v1/track, /v1/identify, /v1/batch …`)
  lines.push(
    `  health: ${service.url}/healthz  ready: ${service.url}/readyz  metrics: ${service.url}/metrics`,
  )
  lines.push(`  store: ${service.storeDescription}`)
  const shown = service.writeKeyOrigin === 'generated'
  lines.push(
    `  write key: ${shown ? service.writeKey : keyHint(service.writeKey)}  (${WRITE_KEY_NOTES[service.writeKeyOrigin]})`,
  )
  lines.push(`  admin token: ${adminTokenText(service)}`)
  lines.push(...deliveryLines(service))
  const key = shown ? service.writeKey : '<WRITE_KEY>'
  lines.push('  send a first event:')
  lines.push(
    `    curl -u '${key}:' -H 'Content-Type: application/json' ${service.url}/v1/track ` +
      `-d '{"userId":"user-1","event":"Signed Up","properties":{"plan":"pro"}}'`,
  )
  return lines.join('\n')
}
