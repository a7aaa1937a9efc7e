// `npm start` builds only when a source changed since the last build (a build takes about half a
// minute): the newest modification time under the build's inputs against dist/.build-stamp, which
// is dated when the build it marks began (an edit made during that build still counts as newer).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const INPUTS = [
  'src',
  'web',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
]
export const STAMP = 'dist/.build-stamp'

/** The newest modification time of `target` (a file, or a folder and everything in it; ms). */
function newest(full) {
  if (!existsSync(full)) return 0
  const stat = statSync(full)
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs // a deleted file changes its folder's time
  for (const entry of readdirSync(full)) {
    if (entry !== 'node_modules') max = Math.max(max, newest(path.join(full, entry)))
  }
  return max
}

/** Whether `root`'s build is missing or older than one of its inputs. */
export function needsBuild(root, inputs = INPUTS) {
  const stamp = path.join(root, STAMP)
  if (!existsSync(stamp)) return true
  const built = statSync(stamp).mtimeMs
  return inputs.some((input) => newest(path.join(root, input)) > built)
}

/** Marks `root`'s build as made from the inputs as they were at `startedAt` (ms). */
export function writeStamp(root, startedAt) {
  const stamp = path.join(root, STAMP)
  mkdirSync(path.dirname(stamp), { recursive: true })
  writeFileSync(stamp, `built from the sources as of ${new Date(startedAt).toISOString()}\n`)
  utimesSync(stamp, startedAt / 1000, startedAt / 1000)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  if (needsBuild(root)) {
    const startedAt = Date.now()
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    writeStamp(root, startedAt)
  } else {
    process.stderr.write('dist/ is up to date with src/ and web/: not building (npm run build forces it)\n')
  }
}
