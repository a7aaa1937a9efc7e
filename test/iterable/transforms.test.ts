import { afterEach, describe, expect, it } from 'vitest'
import { convertDatesInObject, LEAVE_OUT, toIterableDate } from '../../src/iterable/transforms/dates.js'
import { toUnixSeconds } from '../../src/iterable/transforms/created-at.js'
import { transformItem } from '../../src/iterable/transforms/items.js'
import { withPhoneNumber } from '../../src/iterable/transforms/phone.js'

const ORIGINAL_TZ = process.env.TZ
afterEach(() => {
  process.env.TZ = ORIGINAL_TZ
})

describe('date conversion in dataFields (reference §4.1)', () => {
  const same: Array<[string, string]> = [
    ['2023-05-17T22:49:53.310Z', '2023-05-17 22:49:53 +00:00'],
    ['2023-05-17T00:00:00.000Z', '2023-05-17 00:00:00 +00:00'],
    ['2023-05-17T22:49:53+02:00', '2023-05-17 20:49:53 +00:00'],
    ['2023-05-17T22:49:53+0530', '2023-05-17 17:19:53 +00:00'],
    ['2023-05-17T00:30:00+01:00', '2023-05-16 23:30:00 +00:00'],
    ['2023-05-17T22:49:53', '2023-05-17 22:49:53 +00:00'],
    ['2023-05-17 22:49:53', '2023-05-17 22:49:53 +00:00'],
    ['2023-05-17T22:49', '2023-05-17 22:49:00 +00:00'],
    ['2023-05-17T22:49:53.987654321Z', '2023-05-17 22:49:53 +00:00'],
    ['2023-05-17T24:00:00Z', '2023-05-18 00:00:00 +00:00'],
    ['2023-02-30T00:00:00Z', '2023-03-02 00:00:00 +00:00'],
    ['0000-01-01T00:00:00Z', '0000-01-01 00:00:00 +00:00'],
  ]
  it.each(same)('%s → %s as in the reference', (input, output) => {
    expect(toIterableDate(input)).toBe(output)
  })

  it.each([
    '2023-05-17',
    '2023-02-31',
    '1234',
    '1234-12',
    '1234-12-00',
    '1234-12-99',
    '2023-13-01',
    '2023/05/17',
    '20230517T224953Z',
    '2023-05-17T22',
    '2023-05-17T22:49:53z',
    'on 2023-05-17T22:49:53Z',
  ])('%s is left unchanged', (input) => {
    expect(toIterableDate(input)).toBe(input)
  })

  it('D3: datetimes without an offset are read as UTC whatever the server zone', () => {
    process.env.TZ = 'America/New_York'
    expect(new Date('2023-05-17T22:49:53').getTimezoneOffset()).not.toBe(0)
    expect(toIterableDate('2023-05-17T22:49:53')).toBe('2023-05-17 22:49:53 +00:00')
    expect(toIterableDate('2023-05-17 22:49:53')).toBe('2023-05-17 22:49:53 +00:00')
    expect(convertDatesInObject({ d: '2023-05-17T22:49' })).toEqual({ d: '2023-05-17 22:49:00 +00:00' })
  })

  it('D4: valid ISO forms V8 misses are converted', () => {
    expect(toIterableDate('2023-05-17T2249Z')).toBe('2023-05-17 22:49:00 +00:00')
    expect(toIterableDate('2023-05-17T224953Z')).toBe('2023-05-17 22:49:53 +00:00')
    expect(toIterableDate('2023-05-17T22:49:53,123Z')).toBe('2023-05-17 22:49:53 +00:00')
    expect(toIterableDate('2023-05-17T22:49:53+05')).toBe('2023-05-17 17:49:53 +00:00')
    expect(toIterableDate('2023-05-17T22:49:53,9-01')).toBe('2023-05-17 23:49:53 +00:00')
  })

  it('D4: an impossible instant is left out of the request instead of null', () => {
    expect(toIterableDate('2023-05-17T25:00:00Z')).toBe(LEAVE_OUT)
    expect(toIterableDate('2023-05-17T22:60:00Z')).toBe(LEAVE_OUT)
    expect(toIterableDate('2023-05-17T24:30:00Z')).toBe(LEAVE_OUT)
    const input = {
      bad: '2023-05-17T25:00:00Z',
      good: '2023-05-17T22:49:53Z',
      nested: { bad: '2023-05-17T25:00Z' },
    }
    const out = convertDatesInObject(input)
    expect(out).toEqual({ good: '2023-05-17 22:49:53 +00:00', nested: {} })
    expect('bad' in out).toBe(false)
    // In arrays the original string stays (dropping would shift the elements, null would erase).
    expect(convertDatesInObject({ list: ['2023-05-17T25:00:00Z', '2023-05-17T22:49:53Z'] })).toEqual({
      list: ['2023-05-17T25:00:00Z', '2023-05-17 22:49:53 +00:00'],
    })
  })

  it('the fast UTC path agrees with V8 Date on generated Z strings (in range, roll-overs, out of range)', () => {
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const pad = (n: number, w = 2) => String(n).padStart(w, '0')
    for (let i = 0; i < 5000; i++) {
      const fraction = ['', '.1', '.123', '.987654321'][rand(4)]
      const text = `${pad(rand(3000), 4)}-${pad(1 + rand(12))}-${pad(1 + rand(31))}T${pad(rand(26))}:${pad(rand(61))}:${pad(rand(61))}${fraction}Z`
      const time = Date.parse(text)
      const expected = Number.isNaN(time)
        ? LEAVE_OUT
        : new Date(time).toISOString().replace('T', ' ').split('.')[0] + ' +00:00'
      expect([text, toIterableDate(text)]).toEqual([text, expected])
    }
  })

  it('walks arrays and nested objects, converts Date objects, never mutates, reuses untouched objects', () => {
    const nested = { keep: 1 }
    const input = {
      list: ['2023-05-17T22:49:53Z', 'x'],
      obj: { s: '2023-05-17T22:49:53.999Z' },
      nested,
      date: new Date('2024-05-06T07:08:09.123Z'),
      n: 5,
      b: true,
      z: null,
    }
    const snapshot = structuredClone(input)
    const out = convertDatesInObject(input)
    expect(out).toEqual({
      list: ['2023-05-17 22:49:53 +00:00', 'x'],
      obj: { s: '2023-05-17 22:49:53 +00:00' },
      nested: { keep: 1 },
      date: '2024-05-06 07:08:09 +00:00',
      n: 5,
      b: true,
      z: null,
    })
    expect(out.nested).toBe(nested)
    expect(input).toEqual(snapshot)
    const plain = { a: 'x', b: { c: 1 } }
    expect(convertDatesInObject(plain)).toBe(plain)
  })

  it('supplementary §5.7: traits with dates', () => {
    expect(
      convertDatesInObject({
        email: 'a@b.co',
        created_at: '2020-01-01T10:00:00Z',
        birthday: '1990-02-03',
        n: 5,
        nested: { d: '2020-01-01T10:00:00+01:00' },
        list: ['2020-01-01T10:00:00Z'],
      }),
    ).toEqual({
      email: 'a@b.co',
      created_at: '2020-01-01 10:00:00 +00:00',
      birthday: '1990-02-03',
      n: 5,
      nested: { d: '2020-01-01 09:00:00 +00:00' },
      list: ['2020-01-01 10:00:00 +00:00'],
    })
  })
})

describe('createdAt → unix seconds (reference §4.2)', () => {
  const received = Date.parse('2025-01-15T08:00:03.237Z')
  it('ISO strings as in the reference', () => {
    expect(toUnixSeconds('2024-01-02T03:04:05.678Z', received)).toBe(1704164645)
    expect(toUnixSeconds('2021-02-01T00:00:00.000Z', received)).toBe(1612137600)
    expect(toUnixSeconds(1684363793000, received)).toBe(1684363793)
  })
  it('D3: no-offset and date-only strings are UTC', () => {
    process.env.TZ = 'America/New_York'
    expect(toUnixSeconds('2023-05-17T22:49:53', received)).toBe(1684363793)
    expect(toUnixSeconds('2023-05-17', received)).toBe(1684281600)
    expect(toUnixSeconds('2023-05-17T22:49:53+02:00', received)).toBe(1684356593)
  })
  it('D5: numbers and numeric strings below 1e11 are seconds, above are milliseconds, floored', () => {
    expect(toUnixSeconds(1684363793, received)).toBe(1684363793)
    expect(toUnixSeconds(1684363793.9, received)).toBe(1684363793)
    expect(toUnixSeconds('1684363793', received)).toBe(1684363793)
    expect(toUnixSeconds('1684363793000', received)).toBe(1684363793)
    expect(toUnixSeconds(1684363793999, received)).toBe(1684363793)
  })
  it('D5: a missing createdAt is the time the event was received, not now', () => {
    expect(toUnixSeconds(undefined, received)).toBe(1736928003)
  })
})

describe('items transform (reference §4.3, kept as is)', () => {
  it('the observed example', () => {
    const item = {
      id: '1',
      name: 'n',
      price: 1,
      quantity: 1,
      categories: '',
      product_id: 'p',
      category: 'c',
      image_url: 'iu',
      imageUrl: 'iu2',
      color: 'red',
      when: '2023-05-17T22:49:53Z',
      dataFields: { keep: 1 },
    }
    expect(transformItem(item)).toEqual({
      id: '1',
      name: 'n',
      price: 1,
      quantity: 1,
      product_id: 'p',
      category: 'c',
      image_url: 'iu',
      imageUrl: 'iu2',
      color: 'red',
      when: '2023-05-17T22:49:53Z',
      dataFields: { color: 'red', when: '2023-05-17 22:49:53 +00:00' },
    })
  })
  it('category becomes a one-element array, description appears twice', () => {
    expect(
      transformItem({ id: 'a', name: 'b', price: 1, quantity: 1, categories: 'Games', description: 'd' }),
    ).toEqual({
      id: 'a',
      name: 'b',
      price: 1,
      quantity: 1,
      description: 'd',
      dataFields: { description: 'd' },
      categories: ['Games'],
    })
  })
})

describe('phone handling (reference §4.4, D2)', () => {
  it('a string or null is written as phoneNumber', () => {
    expect(withPhoneNumber({ a: 1 }, '+1415')).toEqual({ a: 1, phoneNumber: '+1415' })
    expect(withPhoneNumber({ phoneNumber: 'old' }, null)).toEqual({ phoneNumber: null })
    expect(withPhoneNumber({}, '')).toEqual({ phoneNumber: '' })
  })
  it('D2: a missing phone leaves an existing dataFields.phoneNumber alone', () => {
    const fields = { phoneNumber: '+1555' }
    expect(withPhoneNumber(fields, undefined)).toBe(fields)
  })
})
