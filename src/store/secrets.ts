// Secrets at rest: AES-256-GCM with a random 96-bit IV per value and the row id as additional
// authenticated data (a ciphertext copied to another row does not decrypt). Write keys are also
// stored as a SHA-256 hash so that lookups by key are an index probe, without decrypting anything.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { StoreError } from './errors.js'

const FORMAT = 'v1'

export class SecretBox {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new StoreError('invalid_secret_key', 'The secret key must be 32 bytes')
    this.#key = key
  }

  encrypt(plain: string, aad: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(aad, 'utf8'))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
  }

  decrypt(sealed: string, aad: string): string {
    const [format, data] = sealed.split(':', 2)
    if (format !== FORMAT || !data) throw new StoreError('decrypt_failed', 'Unknown secret format')
    const raw = Buffer.from(data, 'base64')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(aad, 'utf8'))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    } catch (cause) {
      // Wrong key or tampered value; never include the value in the message.
      throw new StoreError('decrypt_failed', 'A stored secret could not be decrypted (wrong secret key?)', {
        cause,
      })
    }
  }
}

/** A destination's sealed API key after a patch: kept when absent, removed when null or empty. */
export function patchSealedApiKey(
  box: SecretBox,
  id: string,
  apiKey: string | null | undefined,
  current: unknown,
) {
  if (apiKey === undefined) return current
  return apiKey === null || apiKey === '' ? null : box.encrypt(apiKey, `destination:${id}`)
}

export function hashWriteKey(writeKey: string): string {
  return createHash('sha256').update(writeKey, 'utf8').digest('hex')
}

/** Accepts 32 raw bytes, 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(key: Buffer | string): Buffer {
  let bytes: Buffer
  if (Buffer.isBuffer(key)) bytes = key
  else {
    const text = key.trim()
    bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  }
  if (bytes.length !== 32) {
    throw new StoreError(
      'invalid_secret_key',
      'The secret key must be 32 bytes (64 hex characters or base64)',
    )
  }
  return bytes
}

export const SECRET_KEY_FILE = 'secret.key'

/** Reads `<dir>/secret.key`, creating it (random, mode 0600) on first use. */
export function loadOrCreateSecretKeyFile(dir: string): Buffer {
  const file = path.join(dir, SECRET_KEY_FILE)
  if (existsSync(file)) return parseSecretKey(readFileSync(file, 'utf8'))
  mkdirSync(dir, { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return key
}
