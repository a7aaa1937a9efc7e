import { describe, expect, it } from 'vitest'
import { CREATED_AT, deliveries, errorOf, run, runBatch, testEvent } from './helpers.js'

describe('trackEvent single (reference §5.3)', () => {
  it('T1 default mappings (D1: no enable_batching/batch_size in the body)', () => {
    const [d] = deliveries(
      run('trackEvent', {}, testEvent({ properties: { email: 'test@iterable.com' } }), { defaults: true }),
    )
    expect(d.endpoint).toBe('/api/events/track')
    expect(d.item).toEqual({
      email: 'test@iterable.com',
      userId: 'user1234',
      eventName: 'Test Event',
      dataFields: { email: 'test@iterable.com' },
      id: 'msg-1',
      createdAt: CREATED_AT,
    })
  })

  it('T2 no email/userId', () => {
    expect(errorOf(run('trackEvent', {}, testEvent({ userId: null }), { defaults: true })).message).toBe(
      'Must include email or userId.',
    )
  })

  it('T3–T6 date conversion in dataFields', () => {
    const plan = (properties: Record<string, unknown>) =>
      deliveries(run('trackEvent', {}, testEvent({ properties }), { defaults: true }))[0].item
    expect(plan({ myDate: '2023-05-17T22:49:53.310Z' })).toEqual({
      userId: 'user1234',
      eventName: 'Test Event',
      dataFields: { myDate: '2023-05-17 22:49:53 +00:00' },
      id: 'msg-1',
      createdAt: CREATED_AT,
    })
    expect(plan({ myDate: '2023-05-17' }).dataFields).toEqual({ myDate: '2023-05-17' })
    expect(plan({ myDate: '2023-05-17T00:00:00.000Z' }).dataFields).toEqual({
      myDate: '2023-05-17 00:00:00 +00:00',
    })
    expect(
      plan({
        badDate1: '1234',
        badDate2: '1234-12',
        badDate3: '1234-12-00',
        badDate4: '1234-12-99',
        myGoodDate: '2023-05-17T22:49:53.310Z',
      }).dataFields,
    ).toEqual({
      badDate1: '1234',
      badDate2: '1234-12',
      badDate3: '1234-12-00',
      badDate4: '1234-12-99',
      myGoodDate: '2023-05-17 22:49:53 +00:00',
    })
  })

  it('T7 Entity Added preset', () => {
    const event = testEvent({ event: 'Entity Added', properties: { email: 'test@iterable.com' } })
    const [d] = deliveries(
      run('trackEvent', { dataFields: { '@path': '$.properties' } }, event, { defaults: true }),
    )
    expect(d.item).toEqual({
      email: 'test@iterable.com',
      userId: 'user1234',
      eventName: 'Entity Added',
      dataFields: { email: 'test@iterable.com' },
      id: 'msg-1',
      createdAt: CREATED_AT,
    })
  })

  it('T8 Journey Step Entered: nested dates converted', () => {
    const appointment = (event: string) => ({
      type: 'track',
      event,
      timestamp: '2021-09-01T00:00:00.000Z',
      properties: {
        appointment_id: 'test-appointment-id',
        appointment_date: '2021-09-01T00:00:00.000Z',
        appointment_type: 'test-appointment-type',
      },
    })
    const properties = {
      journey_metadata: {
        journey_id: 'test-journey-id',
        journey_name: 'test-journey-name',
        step_id: 'test-step-id',
        step_name: 'test-step-name',
      },
      journey_context: {
        appointment_booked: appointment('Appointment Booked'),
        appointment_confirmed: appointment('Appointment Confirmed'),
      },
    }
    const event = testEvent({ event: 'Journey Step Entered', properties })
    const [d] = deliveries(
      run('trackEvent', { dataFields: { '@path': '$.properties' } }, event, { defaults: true }),
    )
    const converted = (name: string) => ({
      ...appointment(name),
      timestamp: '2021-09-01 00:00:00 +00:00',
      properties: { ...appointment(name).properties, appointment_date: '2021-09-01 00:00:00 +00:00' },
    })
    expect(d.item).toEqual({
      userId: 'user1234',
      eventName: 'Journey Step Entered',
      dataFields: {
        journey_metadata: properties.journey_metadata,
        journey_context: {
          appointment_booked: converted('Appointment Booked'),
          appointment_confirmed: converted('Appointment Confirmed'),
        },
      },
      id: 'msg-1',
      createdAt: CREATED_AT,
    })
    // The event itself is not written into.
    expect(properties.journey_context.appointment_booked.timestamp).toBe('2021-09-01T00:00:00.000Z')
  })

  it('§5.6 snapshot body (D1: no enable_batching/batch_size)', () => {
    const mapping = {
      email: 'ra@hiluh.za',
      userId: ')nhfnX#8',
      eventName: ')nhfnX#8',
      dataFields: { testType: ')nhfnX#8' },
      id: ')nhfnX#8',
      createdAt: '2021-02-01T00:00:00.000Z',
      campaignId: -5625955741597696,
      templateId: -5625955741597696,
      enable_batching: true,
      batch_size: 1000,
    }
    expect(deliveries(run('trackEvent', mapping, testEvent()))[0].item).toEqual({
      campaignId: -5625955741597696,
      createdAt: 1612137600,
      dataFields: { testType: ')nhfnX#8' },
      email: 'ra@hiluh.za',
      eventName: ')nhfnX#8',
      id: ')nhfnX#8',
      templateId: -5625955741597696,
      userId: ')nhfnX#8',
    })
  })

  it('§5.7 supplementary vectors', () => {
    const item = (event: Record<string, unknown>) =>
      deliveries(run('trackEvent', {}, event, { defaults: true }))[0].item
    const coerced = item(testEvent({ properties: { campaignId: '123', templateId: '456' } }))
    expect(coerced).toMatchObject({
      campaignId: 123,
      templateId: 456,
      dataFields: { campaignId: '123', templateId: '456' },
    })
    expect(
      errorOf(run('trackEvent', {}, testEvent({ properties: { campaignId: 'abc' } }), { defaults: true }))
        .message,
    ).toBe('Campaign ID must be an integer but it was a string.')
    expect(
      errorOf(run('trackEvent', {}, testEvent({ properties: { campaignId: 12.5 } }), { defaults: true }))
        .message,
    ).toBe('Campaign ID must be an integer but it was a number.')
    expect(item(testEvent({ userId: 12345 })).userId).toBe('12345')
    expect(
      errorOf(
        run('trackEvent', {}, testEvent({ userId: null, properties: { email: '' } }), { defaults: true }),
      ).message,
    ).toBe('Must include email or userId.')
    const ctx = item(
      testEvent({ properties: { email: null }, context: { traits: { email: 'ctx@example.com' } } }),
    )
    expect(ctx).toMatchObject({ email: 'ctx@example.com', dataFields: { email: null } })
  })

  it('D5: without a createdAt mapping, createdAt is the time the event was received', () => {
    const event = testEvent({ receivedAt: '2025-01-15T08:00:03.237Z' })
    const [d] = deliveries(
      run('trackEvent', { userId: { '@path': '$.userId' }, eventName: { '@path': '$.event' } }, event),
    )
    expect(d.item.createdAt).toBe(1736928003)
  })

  it('D5: unix seconds and numeric strings', () => {
    const item = (createdAt: unknown) =>
      deliveries(run('trackEvent', { createdAt }, testEvent(), { defaults: true }))[0].item.createdAt
    expect(item(1684363793)).toBe(1684363793)
    expect(item('1684363793')).toBe(1684363793)
    expect(item('1684363793000')).toBe(1684363793)
    expect(item(1684363793000)).toBe(1684363793)
  })

  it('"not a date" createdAt is rejected by validation', () => {
    expect(
      errorOf(run('trackEvent', { createdAt: 'not a date' }, testEvent(), { defaults: true })).message,
    ).toBe('Timestamp must be a valid date-like string but it was not.')
  })
})

describe('trackEvent batch (reference §5.3 TB*)', () => {
  it('TB1 batch by userId (D1: no enable_batching/batch_size in elements)', () => {
    const events = [
      testEvent({ event: 'Test Event', userId: 'abcd', properties: { eventSequence: 1 } }),
      testEvent({
        event: 'Test Event 2',
        userId: 'efgh',
        messageId: 'msg-2',
        properties: { eventSequence: 2 },
      }),
    ]
    const { bulk } = runBatch('trackEvent', {}, events, { defaults: true })
    expect(bulk).toHaveLength(1)
    expect(bulk[0].path).toBe('/api/events/trackBulk')
    expect(bulk[0].body).toEqual({
      events: [
        {
          userId: 'abcd',
          eventName: 'Test Event',
          dataFields: { eventSequence: 1 },
          id: 'msg-1',
          createdAt: CREATED_AT,
        },
        {
          userId: 'efgh',
          eventName: 'Test Event 2',
          dataFields: { eventSequence: 2 },
          id: 'msg-2',
          createdAt: CREATED_AT,
        },
      ],
    })
  })

  it('TB2 batch by email', () => {
    const events = [
      testEvent({ event: 'Test Event', properties: { email: 'test@iterable.com', eventSequence: 1 } }),
      testEvent({ event: 'Test Event 2', properties: { email: 'test@iterable.com', eventSequence: 2 } }),
    ]
    const { bulk } = runBatch('trackEvent', {}, events, { defaults: true })
    const sent = bulk[0].body.events as Array<Record<string, unknown>>
    expect(sent.map((e) => e.eventName)).toEqual(['Test Event', 'Test Event 2'])
    expect(sent[1]).toMatchObject({
      email: 'test@iterable.com',
      userId: 'user1234',
      dataFields: { email: 'test@iterable.com', eventSequence: 2 },
    })
  })

  it('D6: an event with neither email nor userId fails alone in batch mode (the reference sent it)', () => {
    const events = [testEvent({ userId: null }), testEvent({ userId: 'u2' })]
    const { results, bulk } = runBatch('trackEvent', {}, events, { defaults: true })
    expect(errorOf(results[0]).message).toBe('Must include email or userId.')
    expect((bulk[0].body.events as unknown[]).length).toBe(1)
  })

  it('D6: properties.email "" in batch mode is removed as in single mode (reference batch: email error)', () => {
    const { results } = runBatch('trackEvent', {}, [testEvent({ properties: { email: '' } })], {
      defaults: true,
    })
    expect(results[0].ok).toBe(true)
  })

  it('europe: the region comes from the settings (trackBulk on the EU host in preview/delivery)', () => {
    const { planned } = runBatch('trackEvent', {}, [testEvent()], {
      defaults: true,
      settings: { apiKey: 'k', dataCenterLocation: 'europe' },
    })
    expect(planned[0].bulkEndpoint).toBe('/api/events/trackBulk')
  })
})
