// Conformance, the admin token: one per store (hash and hint only), kept by the first of several
// racing starts, read alike by every connection, replaced by a rotation.
import { createHash } from 'node:crypto'
import { expect, it } from 'vitest'
import type { NewAdminToken } from '../../../src/store/index.js'
import { T0, type StoreContext } from './fixtures.js'

function token(name: string): NewAdminToken {
  return { hash: createHash('sha256').update(name).digest('hex'), hint: name.slice(-4) }
}

export function adminTokenSection(ctx: StoreContext): void {
  it('has none at first; the first token set is kept, a later one is not', async () => {
    expect(await ctx.store.getAdminToken()).toBeNull()
    const first = await ctx.store.setAdminTokenIfAbsent(token('adm_first_1111'), T0)
    expect(first).toEqual({
      created: true,
      token: { ...token('adm_first_1111'), createdAt: T0, rotatedAt: T0 },
    })
    const again = await ctx.store.setAdminTokenIfAbsent(token('adm_second_2222'), T0 + 5)
    expect(again).toEqual({ created: false, token: first.token })
    expect(await ctx.store.getAdminToken()).toEqual(first.token)
    // Another node, and the same store reopened, read the same.
    const other = await ctx.second()
    expect(await other.getAdminToken()).toEqual(first.token)
    expect(await (await ctx.reopen()).getAdminToken()).toEqual(first.token)
  })

  it('keeps exactly one token when several connections set one at once', async () => {
    const nodes = [ctx.store, await ctx.second(), await ctx.second(), await ctx.second()]
    const results = await Promise.all(
      nodes.map((store, i) => store.setAdminTokenIfAbsent(token(`adm_node_${i}_abcd${i}`))),
    )
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const winner = results.find((r) => r.created)?.token
    for (const result of results) expect(result.token).toEqual(winner)
    for (const store of nodes) expect(await store.getAdminToken()).toEqual(winner)
  })

  it('rotates: the new hash and hint replace the old, the creation time stays', async () => {
    await ctx.store.setAdminTokenIfAbsent(token('adm_old_token_0000'), T0)
    const rotated = await ctx.store.replaceAdminToken(token('adm_new_token_9999'), T0 + 60_000)
    expect(rotated).toEqual({ ...token('adm_new_token_9999'), createdAt: T0, rotatedAt: T0 + 60_000 })
    const other = await ctx.second()
    expect(await other.getAdminToken()).toEqual(rotated)
    // A start after the rotation keeps the rotated token.
    expect(await other.setAdminTokenIfAbsent(token('adm_late_start_7777'))).toEqual({
      created: false,
      token: rotated,
    })
  })

  it('a rotation on a store without a token sets one', async () => {
    const set = await ctx.store.replaceAdminToken(token('adm_fresh_5555'), T0)
    expect(set).toEqual({ ...token('adm_fresh_5555'), createdAt: T0, rotatedAt: T0 })
    expect(await ctx.store.getAdminToken()).toEqual(set)
  })
}
