import { describe, expect, it } from 'vitest'
import { CREATED_AT, deliveries, errorOf, run, testEvent } from './helpers.js'

const monopoly = {
  product_id: '507f1f77bcf86cd799439011',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  category: 'Games',
  sku: '45790-32',
  url: 'https://www.example.com/product/path',
  image_url: 'https://www.example.com/product/path.jpg',
}
const monopolyItem = {
  id: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  url: 'https://www.example.com/product/path',
  imageUrl: 'https://www.example.com/product/path.jpg',
  dataFields: {},
  categories: ['Games'],
}

describe('updateCart (reference §5.4)', () => {
  it('C1 no identifiers', () => {
    const event = testEvent({
      event: 'Update Cart',
      userId: null,
      properties: {
        products: [{ name: 'Monopoly: 3rd Edition', price: 19, quantity: 1, product_id: '123123' }],
      },
    })
    expect(errorOf(run('updateCart', {}, event, { defaults: true })).message).toBe(
      'Must include email or userId.',
    )
  })

  it('C2 default mappings', () => {
    const event = testEvent({
      userId: 'user123',
      event: 'Update Cart',
      properties: {
        products: [
          { product_id: '507f1f77bcf86cd799439011', name: 'Monopoly: 3rd Edition', price: 19, quantity: 1 },
        ],
      },
    })
    const [d] = deliveries(run('updateCart', {}, event, { defaults: true }))
    expect(d.endpoint).toBe('/api/commerce/updateCart')
    expect(d.bulkEndpoint).toBeUndefined()
    expect(d.item).toEqual({
      user: { userId: 'user123', mergeNestedObjects: false, dataFields: {} },
      items: [
        {
          id: '507f1f77bcf86cd799439011',
          name: 'Monopoly: 3rd Edition',
          price: 19,
          quantity: 1,
          dataFields: {},
        },
      ],
    })
  })

  it('C3 maps all fields', () => {
    const event = testEvent({
      userId: 'user123',
      event: 'Update Cart',
      context: { traits: { email: 'test@example.com', foo: 'baz', phone: '+14158675309' } },
      properties: {
        products: [
          monopoly,
          {
            product_id: '507f1f77bcf86cd799439017',
            name: 'Replacement Monopoly Tokens',
            price: 5,
            quantity: 1,
            url: 'https://www.example.com/product/path',
          },
        ],
      },
    })
    expect(deliveries(run('updateCart', {}, event, { defaults: true }))[0].item).toEqual({
      user: {
        email: 'test@example.com',
        userId: 'user123',
        dataFields: {
          email: 'test@example.com',
          foo: 'baz',
          phone: '+14158675309',
          phoneNumber: '+14158675309',
        },
        mergeNestedObjects: false,
      },
      items: [
        monopolyItem,
        {
          id: '507f1f77bcf86cd799439017',
          name: 'Replacement Monopoly Tokens',
          price: 5,
          quantity: 1,
          url: 'https://www.example.com/product/path',
          dataFields: {},
        },
      ],
    })
  })

  it('§5.6 snapshot body', () => {
    const v = 'EhReIu7NIsg#8O6D'
    const mapping = {
      user: {
        email: 'vaz@zuzjagmoj.bh',
        userId: v,
        mergeNestedObjects: false,
        dataFields: { testType: v },
        phoneNumber: v,
      },
      items: [
        {
          id: v,
          name: v,
          sku: v,
          quantity: 3502380901466112,
          price: 35023809014661.12,
          description: v,
          categories: v,
          url: v,
          imageUrl: v,
        },
      ],
    }
    expect(deliveries(run('updateCart', mapping, testEvent()))[0].item).toEqual({
      items: [
        {
          categories: [v],
          dataFields: { description: v },
          description: v,
          id: v,
          imageUrl: v,
          name: v,
          price: 35023809014661.12,
          quantity: 3502380901466112,
          sku: v,
          url: v,
        },
      ],
      user: {
        dataFields: { phoneNumber: v, testType: v },
        email: 'vaz@zuzjagmoj.bh',
        mergeNestedObjects: false,
        userId: v,
      },
    })
  })

  describe('§5.7 supplementary', () => {
    const cart = (
      products: unknown,
      extra: Record<string, unknown> = {},
      mapping: Record<string, unknown> = {},
    ) =>
      run('updateCart', mapping, testEvent({ userId: 'u1', properties: { products }, ...extra }), {
        defaults: true,
      })

    it('coerced product values, color not mapped by default', () => {
      const product = {
        product_id: 'p1',
        name: 'N',
        price: '19.5',
        quantity: '2',
        sku: 123,
        category: 'Games',
        color: 'red',
        description: 'desc',
      }
      expect((deliveries(cart([product]))[0].item.items as unknown[])[0]).toEqual({
        id: 'p1',
        sku: '123',
        name: 'N',
        price: 19.5,
        quantity: 2,
        description: 'desc',
        dataFields: { description: 'desc' },
        categories: ['Games'],
      })
    })

    it('custom items mapping with extra keys; mapped item dataFields discarded', () => {
      const itemsMapping = {
        '@arrayPath': [
          '$.properties.products',
          {
            id: { '@path': 'product_id' },
            name: { '@path': 'name' },
            price: { '@path': 'price' },
            quantity: { '@path': 'quantity' },
            color: { '@path': 'color' },
            added: { '@path': 'added' },
            dataFields: { x: 1 },
          },
        ],
      }
      const product = {
        product_id: 'p1',
        name: 'N',
        price: 1,
        quantity: 1,
        color: 'red',
        added: '2023-05-17T22:49:53Z',
      }
      expect(
        (deliveries(cart([product], {}, { items: itemsMapping }))[0].item.items as unknown[])[0],
      ).toEqual({
        id: 'p1',
        name: 'N',
        price: 1,
        quantity: 1,
        color: 'red',
        added: '2023-05-17T22:49:53Z',
        dataFields: { color: 'red', added: '2023-05-17 22:49:53 +00:00' },
      })
    })

    it('products missing / [] / an object / no price / category arrays', () => {
      const p = { product_id: 'p1', name: 'N', price: 1, quantity: 1 }
      expect(errorOf(run('updateCart', {}, testEvent({ userId: 'u1' }), { defaults: true })).message).toBe(
        "The root value is missing the required field 'items'.",
      )
      expect(deliveries(cart([]))[0].item.items).toEqual([])
      expect((deliveries(cart(p))[0].item.items as unknown[]).length).toBe(1)
      expect(errorOf(cart([{ product_id: 'p1', name: 'N', quantity: 1 }])).message).toBe(
        "The value at /items/0 is missing the required field 'price'.",
      )
      expect(errorOf(cart([{ ...p, category: ['a', 'b'] }])).message).toBe(
        'Product Category must be a string but it was an array.',
      )
      expect(
        (deliveries(cart([{ ...p, category: ['a'] }]))[0].item.items as Array<{ categories: unknown }>)[0]
          .categories,
      ).toEqual(['a'])
    })

    it('context.traits.phone null → phoneNumber null', () => {
      const d = deliveries(cart([], { context: { traits: { phone: null } } }))[0]
      expect((d.item.user as { dataFields: unknown }).dataFields).toEqual({ phone: null, phoneNumber: null })
    })

    it('unknown keys under user are stripped', () => {
      const mapping = { user: { userId: { '@path': '$.userId' }, preferUserId: true } }
      const d = deliveries(cart([], {}, mapping))[0]
      expect(d.item.user).toEqual({ userId: 'u1', dataFields: {} })
    })
  })
})

describe('trackPurchase (reference §5.5)', () => {
  it('P1 no identifiers', () => {
    const event = testEvent({
      event: 'Order Completed',
      userId: null,
      properties: {
        total: 19.0,
        products: [{ name: 'Monopoly: 3rd Edition', price: 19, quantity: 1, product_id: '123123' }],
      },
    })
    expect(errorOf(run('trackPurchase', {}, event, { defaults: true })).message).toBe(
      'Must include email or userId.',
    )
  })

  it('P2 default mappings (D13: id = messageId when no order id)', () => {
    const event = testEvent({
      userId: 'user123',
      event: 'Order Completed',
      context: { traits: { email: 'test@example.com', phone: '+14158675309' } },
      properties: { total: 19.0, products: [monopoly] },
    })
    const [d] = deliveries(run('trackPurchase', {}, event, { defaults: true }))
    expect(d.endpoint).toBe('/api/commerce/trackPurchase')
    expect(d.item).toEqual({
      id: 'msg-1',
      user: {
        email: 'test@example.com',
        userId: 'user123',
        dataFields: { email: 'test@example.com', phone: '+14158675309', phoneNumber: '+14158675309' },
        mergeNestedObjects: false,
      },
      dataFields: { total: 19 },
      items: [monopolyItem],
      total: 19,
      createdAt: CREATED_AT,
    })
  })

  it('§5.6 snapshot body', () => {
    const v = 'A]e()J&WFH'
    const mapping = {
      id: v,
      user: {
        email: 'wujapid@zogebpi.ve',
        userId: v,
        dataFields: { testType: v },
        mergeNestedObjects: true,
        phoneNumber: v,
      },
      dataFields: { testType: v },
      items: [
        {
          id: v,
          name: v,
          sku: v,
          quantity: -2494964764246016,
          price: -24949647642460.16,
          description: v,
          categories: v,
          url: v,
          imageUrl: v,
        },
      ],
      total: -24949647642460.16,
      createdAt: '2021-02-01T00:00:00.000Z',
      campaignId: -2494964764246016,
      templateId: -2494964764246016,
    }
    expect(deliveries(run('trackPurchase', mapping, testEvent()))[0].item).toEqual({
      campaignId: -2494964764246016,
      createdAt: 1612137600,
      dataFields: { testType: v },
      id: v,
      items: [
        {
          categories: [v],
          dataFields: { description: v },
          description: v,
          id: v,
          imageUrl: v,
          name: v,
          price: -24949647642460.16,
          quantity: -2494964764246016,
          sku: v,
          url: v,
        },
      ],
      templateId: -2494964764246016,
      total: -24949647642460.16,
      user: {
        dataFields: { phoneNumber: v, testType: v },
        email: 'wujapid@zogebpi.ve',
        mergeNestedObjects: true,
        userId: v,
      },
    })
  })

  it('§5.7 order with coercions, dates and products removed from dataFields', () => {
    const products = [{ product_id: 'p1', name: 'N', price: 1, quantity: 1 }]
    const event = testEvent({
      userId: 'u1',
      context: { traits: { email: 'e@x.io', signup: '2020-01-01T00:00:00Z' } },
      properties: {
        order_id: 'o1',
        total: '30.5',
        revenue: 25,
        campaignId: 7,
        templateId: '8',
        completed_at: '2023-05-17T22:49:53Z',
        products,
      },
    })
    const [d] = deliveries(run('trackPurchase', {}, event, { defaults: true }))
    expect(d.item).toEqual({
      id: 'o1',
      user: {
        email: 'e@x.io',
        userId: 'u1',
        dataFields: { email: 'e@x.io', signup: '2020-01-01 00:00:00 +00:00' },
        mergeNestedObjects: false,
      },
      dataFields: {
        order_id: 'o1',
        total: '30.5',
        revenue: 25,
        campaignId: 7,
        templateId: '8',
        completed_at: '2023-05-17 22:49:53 +00:00',
      },
      items: [{ id: 'p1', name: 'N', price: 1, quantity: 1, dataFields: {} }],
      total: 30.5,
      createdAt: CREATED_AT,
      campaignId: 7,
      templateId: 8,
    })
    expect((event.properties as { products: unknown }).products).toBe(products)
  })

  it('§5.7 missing total', () => {
    const event = testEvent({ userId: 'u1', properties: { products: [] } })
    expect(errorOf(run('trackPurchase', {}, event, { defaults: true })).message).toBe(
      "The root value is missing the required field 'total'.",
    )
  })

  it('updateCart/trackPurchase batching is not available: planned as single requests', () => {
    const event = testEvent({ userId: 'u1', properties: { total: 1, products: [] } })
    const [d] = deliveries(run('trackPurchase', {}, event, { defaults: true, batching: true }))
    expect(d.bulkEndpoint).toBeUndefined()
  })
})
