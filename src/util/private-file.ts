// Files that hold data (databases, keys) are readable by their owner only, whatever the umask.
import { closeSync, openSync } from 'node:fs'

/** Creates `file` empty with mode 0600 when it does not exist (an existing file is left as it is). */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600))
}
