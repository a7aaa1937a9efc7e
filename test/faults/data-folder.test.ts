// Fault: a data folder `serve` cannot use (issue 14, item 7): not a folder, cannot be created,
// read-only, no permission. The built CLI must print one clear line naming the folder and the
// problem and exit 1 — no driver stack (SqliteError, ENOENT).
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, cleanEnv, requireBuild } from '../e2e/e2e-helpers.js'
import { isRoot, tempFolder } from './fault-helpers.js'

interface Exit {
  code: number | null
  stderr: string
  stdout: string
}

/** `serve --data dir` as a child (as `user` when given); killed if it is still running after 20 s. */
function serveWith(dir: string, user?: string): Promise<Exit> {
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dir]
  const child =
    user === undefined
      ? spawn(process.execPath, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('runuser', ['-u', user, '--', process.execPath, ...args], {
          cwd: '/',
          env: cleanEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
}

function expectRefused(exit: Exit, dir: string, problem: RegExp): void {
  expect(exit.code, exit.stderr + exit.stdout).toBe(1)
  expect(exit.stderr).toContain(`error: The data folder ${dir} `)
  expect(exit.stderr).toMatch(problem)
  // One message, no stack of the driver or of node.
  expect(exit.stderr).not.toMatch(/\n\s+at |SqliteError|node:internal/)
  expect(exit.stdout).not.toContain('listening')
}

describe('serve with an unusable data folder', () => {
  const base = tempFolder('fault-data-')
  const readOnly = path.join(base.dir, 'read-only')
  beforeAll(() => {
    requireBuild()
    chmodSync(base.dir, 0o755)
    mkdirSync(readOnly)
    writeFileSync(path.join(readOnly, 'notes.txt'), 'an existing folder\n')
    // root writes into any folder whatever its mode: a read-only mount is read-only for root too.
    if (isRoot) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly])
    else chmodSync(readOnly, 0o555)
  })
  afterAll(() => {
    if (isRoot) execFileSync('umount', [readOnly])
    else chmodSync(readOnly, 0o755)
    base.remove()
  })

  const file = path.join(base.dir, 'a-file')
  const readOnlyProblem = isRoot ? 'the file system is read-only \\(EROFS\\)' : 'permission denied'
  it.each([
    ['a file where the folder should be', file, 'is not a folder'],
    [
      'a path below a file',
      path.join(file, 'data'),
      'cannot be created: a part of the path is a file, not a folder \\(ENOTDIR\\)',
    ],
    ['a read-only folder', readOnly, `cannot be written: ${readOnlyProblem}`],
    ['a new folder in a read-only one', path.join(readOnly, 'data'), `cannot be created: ${readOnlyProblem}`],
  ])('%s: refused, exit 1', async (_case, dir, problem) => {
    writeFileSync(file, 'not a folder\n')
    expectRefused(await serveWith(dir), dir, new RegExp(problem))
  })

  it('a folder of another user: permission denied, naming the user', async () => {
    const dir = path.join(base.dir, 'private')
    mkdirSync(dir, { mode: 0o700 })
    if (isRoot) {
      chownSync(dir, 0, 0)
      expectRefused(
        await serveWith(dir, 'nobody'),
        dir,
        /cannot be written: permission denied for user nobody \(EACCES\)/,
      )
    } else {
      chmodSync(dir, 0o000)
      try {
        expectRefused(
          await serveWith(dir),
          dir,
          /cannot be written: permission denied for user \S+ \(EACCES\)/,
        )
      } finally {
        chmodSync(dir, 0o700)
      }
    }
  })
})
