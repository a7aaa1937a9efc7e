// A write key just created or rotated, shown this once with a copy button. It lives only in the
// page's state: dismissing it (or leaving the page) forgets it for good.
import { useState } from 'preact/hooks'
import type { NewWriteKey as Created } from '../types'

export function NewWriteKey({ created, onDismiss }: { created: Created; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(created.writeKey)
      setCopied('yes')
    } catch {
      setCopied('failed') // no clipboard (plain http, or refused): the key stays selectable
    }
  }
  return (
    <div class="card" role="region" aria-label="New write key" data-testid="new-write-key">
      <h2>
        {created.replaces !== undefined ? 'New write key for' : 'Write key of'} “{created.source.name}”
      </h2>
      <p class="warning">
        Copy it now: this is the only time it is shown. Afterwards only its last characters (
        {created.source.writeKeyHint}) are.
      </p>
      <div class="inline">
        <input
          type="text"
          class="code"
          readOnly
          aria-label="Write key"
          value={created.writeKey}
          size={Math.max(30, created.writeKey.length)}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copied === 'yes' ? (
        <p class="success" role="status">
          Copied to the clipboard.
        </p>
      ) : null}
      {copied === 'failed' ? (
        <p class="hint" role="status">
          The browser did not allow copying: select the key and copy it by hand.
        </p>
      ) : null}
      {created.replaces !== undefined ? (
        <p class="hint">The old key was revoked: requests sent with it get 401 from now on.</p>
      ) : null}
    </div>
  )
}
