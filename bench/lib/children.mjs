// The child processes of a benchmark: started with their output kept (the last 20,000 characters,
// shown when one exits early), stopped on every way out (SIGTERM, then SIGKILL after 10 s), and
// killed outright if the benchmark itself exits first.
import { fork, spawn } from 'node:child_process'

const live = new Set()
let stopping = false

// A benchmark that dies (an uncaught error, process.exit) leaves no process behind.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

function track(name, child, log) {
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  live.add(child)
  child.on('exit', (code, signal) => {
    live.delete(child)
    if (!stopping && !child.stopRequested) {
      log(`${name} exited early (code ${code}, signal ${signal}); last output:\n${output}`)
    }
  })
  return { child, output: () => output }
}

/** Runs `node [nodeArgs] script [args]` with its output piped and kept. */
export function spawnNode(name, script, args, { cwd, env = {}, nodeArgs = [], log }) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return track(name, child, log)
}

/** Forks a Node script with an IPC channel (process.send / 'message') and its output piped and kept. */
export function forkNode(name, script, { cwd, env = {}, nodeArgs = [], log }) {
  const child = fork(script, [], {
    cwd,
    env: { ...process.env, ...env },
    execArgv: nodeArgs,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  return track(name, child, log)
}

/** Stops one child: SIGTERM, then SIGKILL if it has not exited within 10 s. */
export async function stopChild(child) {
  child.stopRequested = true
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** Stops every child still running (no "exited early" report from here on). */
export async function stopAll() {
  stopping = true
  await Promise.all([...live].map(stopChild))
}

/** The next IPC message of `child` that `accept` takes, or an error after `timeoutMs` or on exit. */
export function nextMessage(child, what, accept, timeoutMs) {
  return new Promise((resolve, reject) => {
    const done = (settle) => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      settle()
    }
    const onMessage = (message) => {
      if (accept(message)) done(() => resolve(message))
    }
    const onExit = (code, signal) =>
      done(() => reject(new Error(`${what}: the process exited (code ${code}, signal ${signal})`)))
    const timer = setTimeout(
      () => done(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`))),
      timeoutMs,
    )
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

/** Rejects when `child` exits: race it with a wait that only makes sense while the child runs. */
export function exitOf(child, name) {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode})`))
    if (child.exitCode !== null || child.signalCode !== null) fail()
    else child.once('exit', fail)
  })
}
