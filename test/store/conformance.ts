// One behaviour suite for every store backend (BullMQ habit): each backend's test file calls
// describeStoreConformance with a harness that opens fresh databases of its kind. The sections live
// in conformance/, one file each.
import { afterEach, beforeEach, describe } from 'vitest'
import type { Store, StoreLimits } from '../../src/store/index.js'
import { adminTokenSection } from './conformance/admin-token.js'
import { configurationSection } from './conformance/configuration.js'
import { deadLetterGroupSection, deadLetterSection } from './conformance/dead-letters.js'
import { deliverySection } from './conformance/delivery.js'
import type { StoreContext, StoreHarness } from './conformance/fixtures.js'
import { ingestSection } from './conformance/ingest.js'
import { logSection } from './conformance/logs.js'
import { migration004Section } from './conformance/migration-004.js'
import { migration007Section } from './conformance/migration-007.js'
import { privacySection } from './conformance/privacy.js'
import { retentionSection } from './conformance/retention.js'

export type { StoreHarness } from './conformance/fixtures.js'

export function describeStoreConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`store conformance: ${name}`, () => {
    let harness: StoreHarness
    let store: Store
    const extra: Store[] = []

    const context: StoreContext = {
      get store() {
        return store
      },
      get harness() {
        return harness
      },
      async reopen(limits?: Partial<StoreLimits>) {
        await store.close()
        store = await harness.open(limits)
        return store
      },
      async second() {
        const other = await harness.open()
        extra.push(other)
        return other
      },
    }

    beforeEach(async () => {
      harness = await makeHarness()
      store = await harness.open()
    })
    afterEach(async () => {
      for (const other of extra.splice(0)) await other.close()
      await store.close()
      await harness.destroy()
    })

    describe('migrations and configuration', () => configurationSection(context))
    describe('migration 004 (jobs to the event log)', () => migration004Section(context))
    describe('migration 007 (unique mapping names)', () => migration007Section(context))
    describe('ingest, dedupe and the event log', () => ingestSection(context))
    describe('delivery', () => deliverySection(context))
    describe('dead letters', () => deadLetterSection(context))
    describe('dead-letter triage (counts, groups, fields)', () => deadLetterGroupSection(context))
    describe('logs', () => logSection(context))
    describe('retention', () => retentionSection(context))
    describe('forgotten users and privacy', () => privacySection(context))
    describe('the admin token', () => adminTokenSection(context))
  })
}
