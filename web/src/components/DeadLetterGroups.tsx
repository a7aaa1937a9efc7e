// Dead letters grouped alike (mapping, code, reason, field) with counts: a whole group is shown,
// replayed or discarded at once.
import type { DeadLetterGroup } from '../types'
import { formatTime } from '../format'

interface Props {
  groups: readonly DeadLetterGroup[]
  mappingName: (id: string | null) => string
  onShow: (group: DeadLetterGroup) => void
  onAct: (what: 'replay' | 'discard', group: DeadLetterGroup) => void
}

const describe = (g: DeadLetterGroup, name: string): string =>
  `${g.count} dead letter${g.count === 1 ? '' : 's'} of ${name} (${g.code}${g.field !== null ? `, field ${g.field}` : ''})`

export function DeadLetterGroups({ groups, mappingName, onShow, onAct }: Props) {
  if (groups.length === 0) return null
  return (
    <div class="card">
      <h2>By cause</h2>
      <table aria-label="Dead letters by cause">
        <thead>
          <tr>
            <th>Count</th>
            <th>Mapping</th>
            <th>Code</th>
            <th>Field</th>
            <th>Reason</th>
            <th>Last</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g, i) => {
            const label = describe(g, mappingName(g.mapping))
            return (
              <tr key={i} data-testid="dead-letter-group">
                <td>{g.count}</td>
                <td>
                  {mappingName(g.mapping)} <code class="hint">{g.action}</code>
                </td>
                <td>
                  <code>{g.code}</code>
                </td>
                <td>{g.field !== null ? <code>{g.field}</code> : '—'}</td>
                <td>{g.reason}</td>
                <td>{formatTime(g.lastDeadAt)}</td>
                <td class="actions">
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Show ${label}`}
                    onClick={() => onShow(g)}
                  >
                    Show
                  </button>
                  <button type="button" aria-label={`Replay ${label}`} onClick={() => onAct('replay', g)}>
                    Replay {g.count}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Discard ${label}`}
                    onClick={() => {
                      if (confirm(`Discard ${label}? They will not be delivered.`)) onAct('discard', g)
                    }}
                  >
                    Discard {g.count}
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
