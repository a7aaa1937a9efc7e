// The sink of `npm run bench:compare`: a trivial Iterable stand-in, run as its own process (forked
// with an IPC channel) so that its work is never counted to the side being measured. Every request
// gets `200 {"msg":"","code":"Success","params":{}}`. It counts requests per "METHOD path" and the
// items they carry (the `users`/`events` array of a bulk body, else 1 per POST), and notes when the
// last item arrived (process.hrtime, CLOCK_MONOTONIC, so comparable with the parent's clock).
//
// IPC: {type:'stats', id} → {type:'stats', id, requests, items, byEndpoint, lastItemAt}; {type:'reset', id}
// → {type:'reset', id}. At start it sends {type:'listening', port}.
import { createServer } from 'node:http'

const ANSWER = '{"msg":"","code":"Success","params":{}}'

let counts
function reset() {
  counts = { requests: 0, items: 0, byEndpoint: {}, lastItemAt: null }
}
reset()

/** Items in a request body: the length of a bulk body's array, else one. */
function itemsIn(body) {
  try {
    const json = JSON.parse(body)
    if (Array.isArray(json?.users)) return json.users.length
    if (Array.isArray(json?.events)) return json.events.length
  } catch {
    // not JSON: still one request's worth
  }
  return 1
}

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const endpoint = `${req.method} ${req.url.split('?')[0]}`
    const items = req.method === 'POST' ? itemsIn(Buffer.concat(chunks).toString('utf8')) : 0
    counts.requests++
    const entry = (counts.byEndpoint[endpoint] ??= { requests: 0, items: 0 })
    entry.requests++
    entry.items += items
    if (items > 0) {
      counts.items += items
      counts.lastItemAt = process.hrtime.bigint().toString()
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) })
    res.end(ANSWER)
  })
})
server.keepAliveTimeout = 60_000

process.on('message', (message) => {
  if (message?.type === 'stats') process.send({ ...counts, type: 'stats', id: message.id })
  if (message?.type === 'reset') {
    reset()
    process.send({ type: 'reset', id: message.id })
  }
})
// The parent gone (its IPC channel closed): nothing left to serve.
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }))
