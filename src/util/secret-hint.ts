/** What may be shown of a secret (write key, API key): its last 4 characters, nothing of a short one. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? '' : secret.slice(-4)
}
