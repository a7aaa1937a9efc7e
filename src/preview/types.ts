// The preview output shapes (one NDJSON line per input event; `--batch` adds one line per bulk request).

export interface PreviewRequest {
  method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  /** The headers this project sends, without the API key. */
  headers: Readonly<Record<string, string>>
  /** Absent for requests sent without a body (PATCH and DELETE of a subscription). */
  body?: unknown
}

export interface PreviewError {
  message: string
  code: string
}

export type PreviewResult =
  | { destination?: string; mapping: string; action: string; requests: PreviewRequest[] }
  | { destination?: string; mapping: string; action: string; error: PreviewError }

/** What one event leads to; `results: []` when no mapping matches. */
export interface PreviewLine {
  messageId?: string
  results: PreviewResult[]
}

/** An input line that is not a usable event (not JSON, or not a valid Segment event). */
export interface PreviewInputError {
  line: number
  messageId?: string
  error: PreviewError
}

/** `--batch`: one bulk request and the events it carries. */
export interface PreviewBulkLine {
  destination?: string
  mapping: string
  action: string
  messageIds: Array<string | undefined>
  request: PreviewRequest
}
