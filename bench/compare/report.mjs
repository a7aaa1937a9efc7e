// The printed results of `npm run bench:compare`: one line per round as it ends, then per side the
// median and best over the rounds, and the ratios serve/reference.

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const fixed = (digits) => (value) => (Number.isFinite(value) ? value.toFixed(digits) : '?')
const kb = (bytes) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(2) : '?')
const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '?')

/** The measures, how to show them, which way is better, and how serve compares (bigger = serve better). */
const MEASURES = [
  { key: 'eventsPerSecond', label: 'events/s', show: fixed(0), better: 'higher', vs: (s, r) => s / r },
  { key: 'cpuUsPerEvent', label: 'CPU µs per event', show: fixed(0), better: 'lower', vs: (s, r) => r / s },
  {
    key: 'writeBytesPerEvent',
    label: 'KB written to storage per event (write_bytes)',
    show: kb,
    better: 'lower',
  },
  { key: 'wcharPerEvent', label: 'KB passed to write calls per event (wchar)', show: kb, better: 'lower' },
  { key: 'peakRssMb', label: 'peak RSS MB (VmHWM)', show: fixed(0), better: 'lower' },
  {
    key: 'ownWalBytesPerEvent',
    label: "KB of WAL per event (serve's own records)",
    show: kb,
    better: 'lower',
  },
  { key: 'walBytesPerEvent', label: 'KB of WAL per event (whole server)', show: kb, better: 'lower' },
  {
    key: 'databaseCpuUsPerEvent',
    label: "PostgreSQL processes' CPU µs per event",
    show: fixed(0),
    better: 'lower',
  },
  {
    key: 'cpuWithDatabaseUsPerEvent',
    label: 'CPU µs per event, serve + PostgreSQL',
    show: fixed(0),
    better: 'lower',
    // against the reference's own CPU: it has no database
    refKey: 'cpuUsPerEvent',
    vs: (s, r) => r / s,
  },
]

/** One line about a finished round. */
export function roundLine(side, round, result) {
  const parts = [
    `${fixed(0)(result.eventsPerSecond)} events/s`,
    `${fixed(2)(result.seconds)} s`,
    `CPU ${fixed(0)(result.cpuUsPerEvent)} µs/event`,
    `written ${kb(result.writeBytesPerEvent)} KB/event`,
    `wchar ${kb(result.wcharPerEvent)} KB/event`,
    `peak RSS ${fixed(0)(result.peakRssMb)} MB`,
    `${result.items} items in ${result.sinkRequests} requests`,
  ]
  if (result.walBytesPerEvent != null) {
    const own = result.ownWalBytesPerEvent == null ? '' : `${kb(result.ownWalBytesPerEvent)} KB/event own, `
    parts.push(`WAL ${own}${kb(result.walBytesPerEvent)} KB/event whole server`)
  }
  if (result.databaseCpuUsPerEvent != null) {
    parts.push(`PostgreSQL CPU ${fixed(0)(result.databaseCpuUsPerEvent)} µs/event`)
  }
  return `${side} round ${round}: ${parts.join(', ')}`
}

function summary(results, key, better) {
  const values = results.map((r) => r[key]).filter((v) => v != null && Number.isFinite(v))
  if (values.length === 0) return null
  return { median: median(values), best: better === 'higher' ? Math.max(...values) : Math.min(...values) }
}

/** The table over all rounds: per side median and best, and serve against the reference. */
export function summaryTable(reference, serve) {
  const header = ['', 'reference median', 'best', 'serve median', 'best', 'serve vs ref. median', 'best']
  const rows = [header]
  for (const { key, label, show, better, vs, refKey } of MEASURES) {
    const ref = summary(reference, key, better)
    const own = summary(serve, key, better)
    if (ref === null && own === null) continue
    const cell = (s, which) => (s === null ? '–' : show(s[which]))
    const against = summary(reference, refKey ?? key, better)
    const compare = (which) =>
      vs === undefined || against === null || own === null ? '' : ratio(vs(own[which], against[which]))
    rows.push([
      label,
      cell(ref, 'median'),
      cell(ref, 'best'),
      cell(own, 'median'),
      cell(own, 'best'),
      compare('median'),
      compare('best'),
    ])
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
    )
    .join('\n')
}

export const RATIO_NOTE =
  "serve vs ref.: events/s of serve ÷ the reference's (speed), and the reference's CPU µs ÷ serve's (\"x less CPU\"); " +
  'best = the highest events/s and the lowest of the others over the rounds.'

/** What the sink received in a round, per endpoint: `POST /api/events/trackBulk 3 requests, 1903 items; …`. */
export function endpointLine(side, result) {
  const parts = Object.entries(result.byEndpoint)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, { requests, items }]) => `${endpoint} ${requests} requests, ${items} items`)
  return `sink, ${side}'s last round: ${parts.join('; ')}`
}
