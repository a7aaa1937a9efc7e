// Outcome totals as horizontal bars with their numbers (inline SVG).
import { OUTCOME_LABELS, OUTCOMES } from '../format'
import type { Counts } from '../types'
import { OUTCOME_COLORS } from './ThroughputChart'

const WIDTH = 420
const ROW = 28

export function OutcomeChart({ totals }: { totals: Counts }) {
  const max = Math.max(1, ...OUTCOMES.map((o) => totals[o]))
  const label = OUTCOMES.map((o) => `${OUTCOME_LABELS[o]}: ${totals[o]}`).join(', ')
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${ROW * OUTCOMES.length}`}
      width="100%"
      role="img"
      aria-label={`Outcomes. ${label}`}
    >
      {OUTCOMES.map((o, i) => (
        <g key={o}>
          <text x={0} y={i * ROW + 18} font-size="13" fill="#1d2330">
            {OUTCOME_LABELS[o]}
          </text>
          <rect
            x={100}
            y={i * ROW + 6}
            height={16}
            width={(totals[o] / max) * 240}
            fill={OUTCOME_COLORS[o]}
            rx={2}
          />
          <text x={WIDTH} y={i * ROW + 18} font-size="13" fill="#1d2330" text-anchor="end">
            {totals[o]}
          </text>
        </g>
      ))}
    </svg>
  )
}
