// The fault suite's service: the built `serve` as a child process (its own file-descriptor limit and
// memory, as in production), on a free port, with a fresh SQLite folder.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CLI, requireBuild } from '../e2e/e2e-helpers.js'

export interface ServeChild {
  process: ChildProcess
  port: number
  url: string
  /** Open file descriptors of the process now. */
  descriptors(): number
  /** Resident memory of the process now, in MB. */
  rssMb(): number
  stop(): Promise<void>
}

export interface ServeChildOptions {
  writeKey: string
  adminToken: string
  /** Extra `serve` flags. */
  args?: string[]
  /** `ulimit -n` for the process. */
  openFiles?: number
}

export async function startServeChild(options: ServeChildOptions): Promise<ServeChild> {
  requireBuild()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ia-fault-'))
  const command = [
    'exec',
    JSON.stringify(process.execPath),
    JSON.stringify(CLI),
    'serve --port 0 --log-level warn',
    `--data ${JSON.stringify(dataDir)} --write-key ${options.writeKey} --admin-token ${options.adminToken}`,
    ...(options.args ?? []),
  ].join(' ')
  const limit = options.openFiles === undefined ? '' : `ulimit -n ${options.openFiles} && `
  const child = spawn('bash', ['-c', limit + command], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)))
  })
  return {
    process: child,
    port,
    url: `http://127.0.0.1:${port}`,
    descriptors: () => readdirSync(`/proc/${child.pid}/fd`).length,
    rssMb: () => {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      return kb === null ? 0 : Number(kb[1]) / 1024
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
