// The benchmarks' view of the service from the outside: its CLI in dist/, what `preview` says the
// corpus sends, HTTP reads with bounded waits, its Prometheus metrics.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const CLI = path.join(ROOT, 'dist/cli/index.js')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Items the service sends for a corpus file according to `preview`: one per event and matching mapping. */
export function routableItems(corpusFile) {
  const run = spawnSync(process.execPath, [CLI, 'preview', corpusFile], {
    cwd: ROOT,
    maxBuffer: 1024 * 1024 * 1024,
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`preview failed: ${run.stderr}`)
  let items = 0
  for (const line of run.stdout.split('\n')) {
    if (line === '') continue
    for (const result of JSON.parse(line).results) if (Array.isArray(result.requests)) items++
  }
  return items
}

export async function getJson(url) {
  const response = await request(url)
  const text = await response.body.text()
  return {
    status: response.statusCode,
    json: response.statusCode === 200 ? JSON.parse(text) : undefined,
    text,
  }
}

/** Polls `check` every 100 ms (errors count as "not yet") until it is true; throws after `timeoutMs`. */
export async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** Sums of the service's Prometheus series by metric name (labels summed away). */
export async function serviceMetrics(serviceUrl) {
  const response = await request(`${serviceUrl}/metrics`)
  const text = await response.body.text()
  const sums = {}
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-z_]+)(?:\{[^}]*\})?\s+([-+0-9.eE]+|NaN)$/.exec(line)
    if (match === null) continue
    sums[match[1]] = (sums[match[1]] ?? 0) + Number(match[2])
  }
  return sums
}
