// Outcomes per time bucket as stacked bars (inline SVG; no chart library).
import { OUTCOME_LABELS, OUTCOMES } from '../format'
import type { Counts } from '../types'

export const OUTCOME_COLORS: Record<keyof Counts, string> = {
  delivered: '#2e9e5b',
  retrying: '#d69a1c',
  failed: '#c9412f',
  dead: '#7a3ca3',
}

export interface Bucket {
  start: number
  counts: Counts
}

interface Props {
  buckets: Bucket[]
  bucketMs: number
}

const WIDTH = 720
const HEIGHT = 180
const PAD = { left: 40, bottom: 22, top: 8 }

export function ThroughputChart({ buckets, bucketMs }: Props) {
  const totals = buckets.map((b) => OUTCOMES.reduce((sum, o) => sum + b.counts[o], 0))
  const max = Math.max(1, ...totals)
  const plotHeight = HEIGHT - PAD.bottom - PAD.top
  const slot = (WIDTH - PAD.left) / Math.max(1, buckets.length)
  const barWidth = Math.max(2, slot * 0.75)
  const all = totals.reduce((a, b) => a + b, 0)
  const minutes = Math.round(bucketMs / 60000)
  const label = `Events handled per ${minutes >= 60 ? `${minutes / 60} h` : `${minutes} min`}: ${all} in total, at most ${max === 1 && all === 0 ? 0 : max} in one interval.`
  const time = (ms: number): string =>
    new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={label}>
        <line x1={PAD.left} x2={WIDTH} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} stroke="#9aa2b1" />
        <text x={PAD.left - 6} y={PAD.top + 10} text-anchor="end" font-size="11" fill="#5a6272">
          {max}
        </text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} text-anchor="end" font-size="11" fill="#5a6272">
          0
        </text>
        {buckets.map((bucket, i) => {
          let y = HEIGHT - PAD.bottom
          const x = PAD.left + i * slot + (slot - barWidth) / 2
          return (
            <g key={bucket.start}>
              <title>{`${time(bucket.start)}: ${OUTCOMES.map((o) => `${bucket.counts[o]} ${OUTCOME_LABELS[o].toLowerCase()}`).join(', ')}`}</title>
              {OUTCOMES.map((o) => {
                const h = (bucket.counts[o] / max) * plotHeight
                y -= h
                return h > 0 ? (
                  <rect key={o} x={x} y={y} width={barWidth} height={h} fill={OUTCOME_COLORS[o]} />
                ) : null
              })}
            </g>
          )
        })}
        {buckets.length > 0 ? (
          <>
            <text x={PAD.left} y={HEIGHT - 6} font-size="11" fill="#5a6272">
              {time(buckets[0].start)}
            </text>
            <text x={WIDTH} y={HEIGHT - 6} font-size="11" fill="#5a6272" text-anchor="end">
              {time(buckets[buckets.length - 1].start)}
            </text>
          </>
        ) : null}
      </svg>
      <figcaption class="legend">
        {OUTCOMES.map((o) => (
          <span key={o}>
            <span class="swatch" style={{ background: OUTCOME_COLORS[o] }} />
            {OUTCOME_LABELS[o]}
          </span>
        ))}
      </figcaption>
    </figure>
  )
}
