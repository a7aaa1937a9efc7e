// What one round measured, from the counters before and after and the sink's count: the same
// arithmetic for both sides.

/**
 * Counters are read this long after the last delivery, so that the work that follows it (the
 * service marking it delivered) is counted; both sides are idle by then.
 */
export const SETTLE_MS = 250

/**
 * @param {object} r  {events, startedAt (hrtime ns), sink (stats with lastItemAt), before, after (countersOf)}
 */
export function measured({ events, startedAt, sink, before, after }) {
  const seconds = sink.lastItemAt === null ? NaN : Number(sink.lastItemAt - startedAt) / 1e9
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    cpuUsPerEvent: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / events,
    writeBytesPerEvent: (after.writeBytes - before.writeBytes) / events,
    wcharPerEvent: (after.wchar - before.wchar) / events,
    peakRssMb: after.peakRssMb,
    items: sink.items,
    sinkRequests: sink.requests,
    byEndpoint: sink.byEndpoint,
  }
}
