import { createSandboxApp } from '../../src/sandbox/index.js'
import type { SandboxApp, SandboxOptions } from '../../src/sandbox/index.js'

export interface Answer {
  status: number
  body: any
  headers: Record<string, unknown>
}

export interface TestSandbox {
  sandbox: SandboxApp
  key: string
  keyOf(project: string): string
  post(
    path: string,
    body: unknown,
    opts?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<Answer>
  get(path: string, opts?: { key?: string | null }): Promise<Answer>
  del(path: string, opts?: { key?: string | null }): Promise<Answer>
  /** Any method (PATCH and PUT of the Subscriptions API). */
  send(method: 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Answer>
  close(): Promise<void>
}

/** An in-process sandbox (Fastify inject); rate limits off unless asked for. */
export function testSandbox(options: SandboxOptions = {}): TestSandbox {
  const sandbox = createSandboxApp({ rateLimits: false, ...options })
  const key = sandbox.options.projects[0].apiKeys[0]
  const keyOf = (name: string): string => {
    const project = sandbox.options.projects.find((p) => p.name === name)
    if (project === undefined) throw new Error(`no project ${name}`)
    return project.apiKeys[0]
  }
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    opts: { key?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...opts.headers }
    const k = opts.key === undefined ? key : opts.key
    if (k !== null) headers['Api-Key'] = k
    const res = await sandbox.app.inject({
      method,
      url: path,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    let parsed: unknown
    try {
      parsed = res.body === '' ? undefined : JSON.parse(res.body)
    } catch {
      parsed = res.body
    }
    return { status: res.statusCode, body: parsed, headers: res.headers }
  }
  return {
    sandbox,
    key,
    keyOf,
    post: (path, body, opts) => call('POST', path, body, opts),
    send: (method, path, body) => call(method, path, body),
    get: (path, opts) => call('GET', path, undefined, opts),
    del: (path, opts) => call('DELETE', path, undefined, opts),
    close: () => sandbox.close(),
  }
}
