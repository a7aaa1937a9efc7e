// The admin API's token gate: it holds a hash only, accepts the token of that hash, follows a
// replacement at once, and refuses a malformed hash rather than a token that can never match.
import { describe, expect, it } from 'vitest'
import { AdminTokenGate, adminTokenHash } from '../../src/server/admin/index.js'

describe('AdminTokenGate', () => {
  it('accepts only the token whose SHA-256 it holds', () => {
    const gate = new AdminTokenGate(adminTokenHash('adm_first_token_1234'))
    expect(gate.hash).toBe(adminTokenHash('adm_first_token_1234'))
    expect(gate.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(gate.matches('adm_first_token_1234')).toBe(true)
    expect(gate.matches('adm_first_token_123')).toBe(false)
    expect(gate.matches('')).toBe(false)
    expect(gate.matches(undefined)).toBe(false)
  })

  it('takes a new hash in place: the old token is refused from then on', () => {
    const gate = AdminTokenGate.of('adm_old_token_aaaa')
    gate.replace(adminTokenHash('adm_new_token_bbbb'))
    expect(gate.matches('adm_old_token_aaaa')).toBe(false)
    expect(gate.matches('adm_new_token_bbbb')).toBe(true)
  })

  it('refuses a hash that is not 64 lowercase hex characters', () => {
    expect(() => new AdminTokenGate('adm_not_a_hash')).toThrow(/64 lowercase hex/)
    expect(() => AdminTokenGate.of('x').replace('ABC')).toThrow(/64 lowercase hex/)
  })
})
