// The reference's packages live in bench/reference/ with their own package.json and lockfile, so that
// the project's `npm ci` and CI never install them. Installed here on first use.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../lib/service.mjs'

export const REFERENCE_DIR = path.join(ROOT, 'bench/reference')
export const INSTALL_COMMAND = 'npm install --prefix bench/reference'

/** The versions the benchmark is about (the conformance files were made with the same). */
const PACKAGES = { '@segment/action-destinations': '3.497.0', '@segment/actions-core': '3.170.0' }

/** What is missing or of another version in bench/reference/node_modules (empty when all is there). */
function problems() {
  const found = []
  for (const [name, version] of Object.entries(PACKAGES)) {
    let installed = null
    try {
      installed = JSON.parse(
        readFileSync(path.join(REFERENCE_DIR, 'node_modules', name, 'package.json'), 'utf8'),
      ).version
    } catch {
      // not installed
    }
    if (installed !== version) found.push(`${name}@${version} (${installed ?? 'not installed'})`)
  }
  return found
}

/** Installs the reference when it is missing (unless `install` is false); throws with the command to run. */
export function ensureReference({ install, log }) {
  let missing = problems()
  if (missing.length === 0) return
  const advice = `install it with \`${INSTALL_COMMAND}\` (from the project's folder) and run again`
  if (!install) throw new Error(`the reference is not installed: ${missing.join(', ')}; ${advice}`)
  log(`the reference is not installed (${missing.join(', ')}): running \`${INSTALL_COMMAND}\``)
  const run = spawnSync('npm', ['install', '--prefix', REFERENCE_DIR, '--no-audit', '--no-fund'], {
    cwd: ROOT,
    // npm's output goes to stderr with the benchmark's progress; stdout keeps the results.
    stdio: ['ignore', 2, 2],
    timeout: 10 * 60_000,
  })
  missing = problems()
  if (missing.length > 0) {
    const how = run.error ? run.error.message : `exit code ${run.status}`
    throw new Error(
      `installing the reference failed (${how}): ${missing.join(', ')} still missing; ${advice}`,
    )
  }
}
