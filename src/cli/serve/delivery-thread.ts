// The delivery thread's script: the delivery engine, handed the routing it follows the log with.
import { runEngineThread } from '../../delivery/thread/worker.js'
import { routingPort } from './routing-port.js'

await runEngineThread(routingPort)
