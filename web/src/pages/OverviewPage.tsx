// Overview: throughput and outcomes over a time window, queue depth, paused destinations, the
// cluster's nodes (several nodes on PostgreSQL), the last hour's events by source and name, and the
// most recent failures. Refreshes every few seconds.
import { useState } from 'preact/hooks'
import { get, post, query, type ApiError } from '../api'
import { ClusterCard } from '../components/ClusterCard'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { OutcomeChart } from '../components/OutcomeChart'
import { ThroughputChart, type Bucket } from '../components/ThroughputChart'
import { VolumeCard } from '../components/VolumeCard'
import { WaitingForReplay } from '../components/WaitingForReplay'
import { formatAge, formatTime, OUTCOME_LABELS, OUTCOMES } from '../format'
import type {
  ClusterView,
  Counts,
  Destination,
  EventVolume,
  Outcome,
  OutcomeCount,
  QueueStat,
} from '../types'
import { useLoad } from '../use-load'

const WINDOWS = [
  { label: 'Last hour', spanMs: 3_600_000, bucketMs: 120_000 },
  { label: 'Last 24 hours', spanMs: 86_400_000, bucketMs: 3_600_000 },
  { label: 'Last 7 days', spanMs: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
] as const

interface OverviewData {
  buckets: Bucket[]
  totals: Counts
  bucketMs: number
  queueDepth: number
  oldestAgeMs: number | null
  destinations: Destination[]
  failures: Outcome[]
  cluster: ClusterView
  volume: EventVolume
  loadedAt: number
}

const empty = (): Counts => ({ delivered: 0, failed: 0, retrying: 0, dead: 0 })

async function loadOverview(windowIndex: number): Promise<OverviewData> {
  const window = WINDOWS[windowIndex]
  const to = Date.now()
  const from = Math.floor((to - window.spanMs) / window.bucketMs) * window.bucketMs
  const [counts, queues, destinations, failed, dead, cluster, volume] = await Promise.all([
    get<{ totals: Counts; items: OutcomeCount[] }>(
      `/deliveries/counts${query({ from, to: to + 1, bucketMs: window.bucketMs })}`,
    ),
    get<{ items: QueueStat[]; totalDepth: number }>('/queues'),
    get<{ items: Destination[] }>('/destinations'),
    get<{ items: Outcome[] }>(`/deliveries/outcomes${query({ outcome: 'failed', limit: 10 })}`),
    get<{ items: Outcome[] }>(`/deliveries/outcomes${query({ outcome: 'dead', limit: 10 })}`),
    get<ClusterView>('/cluster'),
    get<EventVolume>('/event-volume'),
  ])
  const byStart = new Map<number, Counts>()
  for (let start = from; start <= to; start += window.bucketMs) byStart.set(start, empty())
  for (const item of counts.items) {
    const bucket = byStart.get(item.bucketStart) ?? empty()
    bucket[item.outcome] += item.count
    byStart.set(item.bucketStart, bucket)
  }
  const buckets = [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, c]) => ({ start, counts: c }))
  const ages = queues.items.map((q) => q.oldestAgeMs).filter((a): a is number => a !== null)
  return {
    buckets,
    totals: counts.totals,
    bucketMs: window.bucketMs,
    queueDepth: queues.totalDepth,
    oldestAgeMs: ages.length > 0 ? Math.max(...ages) : null,
    destinations: destinations.items,
    failures: [...failed.items, ...dead.items].sort((a, b) => b.at - a.at).slice(0, 10),
    cluster,
    volume,
    loadedAt: Date.now(),
  }
}

export function OverviewPage() {
  const [windowIndex, setWindowIndex] = useState(0)
  const { data, error, reload } = useLoad(() => loadOverview(windowIndex), [windowIndex], 5000)
  const [resumeError, setResumeError] = useState<ApiError | null>(null)
  const paused = data?.destinations.filter((d) => d.paused !== null) ?? []

  const resume = async (id: string): Promise<void> => {
    setResumeError(null)
    try {
      await post(`/destinations/${encodeURIComponent(id)}/resume`)
      reload()
    } catch (failure) {
      setResumeError(failure as ApiError)
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Overview</h1>
      <div class="inline">
        <label for="window">Time window</label>
        <select
          id="window"
          value={windowIndex}
          onChange={(e) => setWindowIndex(Number(e.currentTarget.value))}
        >
          {WINDOWS.map((w, i) => (
            <option key={w.label} value={i}>
              {w.label}
            </option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      <ErrorMessage error={error} />
      {data === null ? (
        error === null ? (
          <p>Loading…</p>
        ) : null
      ) : (
        <>
          <div class="tiles" aria-label="Totals">
            {OUTCOMES.map((o) => (
              <div class="tile" key={o} data-outcome={o}>
                <div class="value">{data.totals[o]}</div>
                <div class="label">{OUTCOME_LABELS[o]}</div>
              </div>
            ))}
            <div class="tile" data-testid="queue-depth">
              <div class="value">{data.queueDepth}</div>
              <div class="label">Waiting in queue</div>
            </div>
            <div class="tile">
              <div class="value">{formatAge(data.oldestAgeMs)}</div>
              <div class="label">Oldest waiting</div>
            </div>
          </div>
          {paused.length > 0 ? (
            <div class="card">
              <h2>Paused destinations</h2>
              <ErrorMessage error={resumeError} />
              {paused.map((d) => (
                <div key={d.id} class="warning">
                  <strong>{d.name}</strong> is paused since {formatTime(d.paused?.since)}: {d.paused?.reason}.
                  Events wait in the queue. Fix the API key on the{' '}
                  <Link href="/destination">Destination</Link> page, or{' '}
                  <button type="button" class="secondary" onClick={() => void resume(d.id)}>
                    Resume {d.name}
                  </button>
                </div>
              ))}
            </div>
          ) : null}
          <WaitingForReplay />
          <ClusterCard cluster={data.cluster} now={data.loadedAt} />
          <div class="two-col">
            <div class="card">
              <h2>Throughput</h2>
              <ThroughputChart buckets={data.buckets} bucketMs={data.bucketMs} />
            </div>
            <div class="card">
              <h2>Outcomes</h2>
              <OutcomeChart totals={data.totals} />
            </div>
          </div>
          <VolumeCard volume={data.volume} />
          <div class="card">
            <h2>Recent failures</h2>
            {data.failures.length === 0 ? (
              <p>No failed deliveries. </p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Outcome</th>
                    <th>Action</th>
                    <th>Message ID</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {data.failures.map((f) => (
                    <tr key={f.id}>
                      <td>{formatTime(f.at)}</td>
                      <td>
                        <span class={`badge ${f.outcome}`}>{OUTCOME_LABELS[f.outcome]}</span>
                      </td>
                      <td>{f.action}</td>
                      <td>
                        <Link href={`/events?messageId=${encodeURIComponent(f.messageId)}`}>
                          <code>{f.messageId}</code>
                        </Link>
                      </td>
                      <td>
                        {f.errorMessage ?? '—'}
                        {f.statusCode !== null ? ` (HTTP ${f.statusCode})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      )}
    </section>
  )
}
