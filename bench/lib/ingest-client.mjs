// Posting a corpus to the service's /v1/batch as a Segment source would: request bodies of `batch`
// raw event lines, `connections` requests in flight at once.
import { Pool } from 'undici'

/** Request bodies of `batch` raw lines each; copies past the corpus get fresh messageIds. */
export function buildBodies(corpusLines, total, batch) {
  const bodies = []
  let lines = []
  for (let i = 0; i < total; i++) {
    let line = corpusLines[i % corpusLines.length]
    const copy = Math.floor(i / corpusLines.length)
    if (copy > 0) {
      const event = JSON.parse(line)
      event.messageId = `${event.messageId}-copy${copy}`
      line = JSON.stringify(event)
    }
    lines.push(line)
    if (lines.length === batch || i === total - 1) {
      bodies.push(`{"batch":[${lines.join(',')}]}`)
      lines = []
    }
  }
  return bodies
}

/**
 * Posts every body to /v1/batch, `connections` at once; returns the sorted latencies (ms), the
 * requests not answered 200 and the events the service rejected inside 200 answers.
 */
export async function sendAll(serviceUrl, bodies, { writeKey, connections, onProgress }) {
  const pool = new Pool(serviceUrl, { connections })
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
  }
  const latencies = []
  let next = 0
  let failed = 0
  let rejected = 0
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++
      const started = performance.now()
      const response = await pool.request({ path: '/v1/batch', method: 'POST', headers, body: bodies[index] })
      const text = await response.body.text()
      latencies.push(performance.now() - started)
      if (response.statusCode !== 200) failed++
      else if (text.includes('"rejected"')) rejected += JSON.parse(text).rejected.length
      onProgress?.(index)
    }
  }
  try {
    await Promise.all(Array.from({ length: connections }, worker))
  } finally {
    await pool.close()
  }
  latencies.sort((a, b) => a - b)
  return { latencies, failed, rejected }
}
