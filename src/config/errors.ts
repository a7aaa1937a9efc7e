/** A configuration that cannot be used: names the file, the path inside it and the problem. */
export class ConfigError extends Error {
  readonly code: string
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
    code = 'INVALID_CONFIG',
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${path === '' ? '' : path + ': '}${problem}`, options)
    this.name = 'ConfigError'
    this.code = code
  }
}
