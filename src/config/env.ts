// `${ENV_VAR}` references in secrets, resolved from the environment at load time.

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export class MissingEnvError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set`)
    this.name = 'MissingEnvError'
  }
}

/**
 * Replaces every `${NAME}` in `value`. An unset (or empty) variable throws MissingEnvError, or —
 * with `allowMissing` — makes the whole value undefined (preview needs no secrets).
 */
export function resolveEnvReferences(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  allowMissing = false,
): string | undefined {
  let missing = false
  const resolved = value.replace(REFERENCE, (_match, name: string) => {
    const found = env[name]
    if (found === undefined || found === '') {
      if (!allowMissing) throw new MissingEnvError(name)
      missing = true
      return ''
    }
    return found
  })
  return missing ? undefined : resolved
}
