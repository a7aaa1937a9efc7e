// Each user's requests reach Iterable in the order their events were received, across endpoints: a
// cart cleared by a purchase and filled again ends as the last cart, whatever Iterable's latency.
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, drained, identify, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const product = (sku: string) => ({ product_id: sku, sku, name: `Item ${sku}`, price: 5, quantity: 1 })

function shopper(u: number): Record<string, unknown>[] {
  const userId = `shopper-${u}`
  const email = `shopper-${u}@example.com`
  const context = { traits: { email } }
  return [
    identify(userId, email),
    { ...track(userId, 'Cart Updated', { products: [product('A')] }), context },
    {
      ...track(userId, 'Order Completed', { order_id: `order-${u}`, total: 5, products: [product('A')] }),
      context,
    },
    { ...track(userId, 'Cart Updated', { products: [product('B')] }), context },
  ]
}

describe("each user's order", () => {
  it('200 users: identify, cart [A], purchase, cart [B] end with cart [B] in Iterable (20–80 ms answers)', async () => {
    harness = await createHarness({ sandbox: { faults: { latencyMs: 20, latencyJitterMs: 60 } } })
    // Half the users send all four events in one request, half over four requests.
    const together = Array.from({ length: 100 }, (_, u) => shopper(u))
    const apart = Array.from({ length: 100 }, (_, u) => shopper(100 + u))
    for (let i = 0; i < together.length; i += 10) await harness.send(together.slice(i, i + 10).flat())
    for (let step = 0; step < 4; step++) await harness.send(apart.map((events) => events[step]))
    await harness.waitFor(() => drained(harness!.store), 60_000)

    const project = harness.sandbox.state.project()
    const wrong: string[] = []
    for (let u = 0; u < 200; u++) {
      const user = project.findByUserId(`shopper-${u}`)
      const cart = (user?.dataFields.shoppingCartItems ?? []) as { id?: string; sku?: string }[]
      const skus = cart.map((item) => item.sku ?? item.id)
      if (skus.length !== 1 || skus[0] !== 'B') wrong.push(`shopper-${u}: ${JSON.stringify(skus)}`)
    }
    expect(wrong).toEqual([])
    expect((await harness.store.listDeadLetters()).items).toEqual([])
  }, 90_000)
})
