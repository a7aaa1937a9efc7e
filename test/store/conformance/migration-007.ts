// Conformance, migration 007: mapping names become unique per destination ignoring case; a
// database holding duplicates keeps the first by position and renames the others "X (2)", "X (3)".
// Also: a migration numbered below the newest applied one still runs (numbers reserved by branches).
import { expect, it } from 'vitest'
import { T0, type StoreContext } from './fixtures.js'

const mapping = (id: string, destination: string, name: string, position: number): string =>
  `('${id}', '${destination}', '${name}', TRUE, 'type = "track"', 'trackEvent', '{}', NULL, ${position}, ${T0}, ${T0})`

const DUPLICATES = `
INSERT INTO destinations (id, name, kind, settings, api_key_sealed, enabled, created_at, updated_at)
VALUES ('d1', 'One', 'iterable', '{}', NULL, TRUE, ${T0}, ${T0}),
       ('d2', 'Two', 'iterable', '{}', NULL, TRUE, ${T0}, ${T0});
INSERT INTO mappings (id, destination_id, name, enabled, trigger_text, action, fields, batching, position,
                      created_at, updated_at)
VALUES ${[
  mapping('a', 'd1', 'Track Calls', 0),
  mapping('b', 'd1', 'Other', 1),
  mapping('c', 'd1', 'track calls', 2),
  mapping('d', 'd1', 'Track Calls', 3),
  mapping('e', 'd2', 'Track Calls', 0),
  mapping('f', 'd2', 'track calls', 1),
  // "track calls (2)" is taken (ignoring case): f gets its id added.
  mapping('g', 'd2', 'Track Calls (2)', 2),
].join(',\n       ')};`

export function migration007Section(ctx: StoreContext): void {
  it('renames duplicate mapping names of a destination "X (2)", "X (3)", keeping the first', async () => {
    await ctx.store.close()
    await ctx.harness.migrateTo(5)
    await ctx.harness.execute(DUPLICATES)
    const store = await ctx.reopen()
    const names = async (destination: string) =>
      (await store.listMappings(destination)).map((m) => [m.id, m.name])
    expect(await names('d1')).toEqual([
      ['a', 'Track Calls'],
      ['b', 'Other'],
      ['c', 'track calls (2)'],
      ['d', 'Track Calls (3)'],
    ])
    expect(await names('d2')).toEqual([
      ['e', 'Track Calls'],
      ['f', 'track calls (2, f)'],
      ['g', 'Track Calls (2)'],
    ])
  })

  it('runs a migration numbered below the newest one applied', async () => {
    await ctx.store.close()
    await ctx.harness.migrateTo(4)
    await ctx.harness.execute(
      `INSERT INTO schema_version (version, name, applied_at) VALUES (7, '007_unique_mapping_names', ${T0})`,
    )
    await ctx.reopen()
    // 005 added this column: the query fails when 005 was skipped.
    await ctx.harness.execute('SELECT waiting_for_user FROM parked_items')
  })
}
