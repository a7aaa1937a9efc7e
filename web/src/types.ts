// The admin API's answers as the UI reads them: derived from the API's own response schemas
// (src/server/admin/shapes, the source of truth of docs/admin-api.md and the OpenAPI description).
// Type-only imports: nothing of the server is bundled.
import type { Static } from '@sinclair/typebox'
import type { Shapes } from '../../src/server/admin/shapes/index'

type Of<K extends keyof typeof Shapes> = Static<(typeof Shapes)[K]>

export type OutcomeKind = Of<'OutcomeKind'>
export type Counts = Of<'Counts'>
export type ApiKeyView = Of<'ApiKeyView'>
export type Destination = Of<'Destination'>
export type SettingDefinition = Of<'SettingDefinition'>
export type Mapping = Of<'Mapping'>
export type Preset = Of<'Preset'>
export type FieldDefinition = Of<'Field'>
export type ActionDefinition = Of<'ActionDefinition'>
export type TriggerValidation = Of<'TriggerValidation'>
export type OutcomeCount = Of<'OutcomeCount'>
export type Outcome = Of<'Outcome'>
export type ClusterView = Of<'ClusterView'>
/** Unfinished work of a destination: its log backlog (endpoint "log") or its parked items of one endpoint. */
export type QueueStat = Of<'QueueItem'>
export type DeadLetter = Of<'DeadLetter'>
/** Alike dead letters (GET /dead-letters/groups); replayed or discarded with `{ group }`. */
export type DeadLetterGroup = Of<'DeadLetterGroup'>
export type ShownRequest = Of<'ShownRequest'>
export type SentResponse = Of<'SentResponse'>
export type TestResult = Of<'TestResult'>
/** A request an item sends (or sent). */
export type SentRequest = Of<'SentRequest'>
/** A request to Iterable that carried the item. */
export type ItemRequest = Of<'ItemRequest'>
/** What happened to one item (one mapping's delivery) of the event. */
export type EventDelivery = Of<'EventDelivery'>
export type LookedUpEvent = Of<'LookedUpEvent'>
/** A source as the admin API lists it: its write key only as a hint (`…abcd`). */
export type Source = Of<'Source'>
/** The answer to create: the only time the full write key is shown (rotate adds `replaces`). */
export type NewWriteKey = Of<'NewWriteKey'> & { replaces?: string }
/** Events received while a destination that delivers now received nothing: they wait for a replay. */
export type WaitingEvents = Of<'WaitingEvents'>
/** One call of an event replay: `next` to go on (null: done), and where it stands. */
export type ReplayAnswer = Of<'ReplayAnswer'>
/** A new event as the live stream shows it (a summary; the body is on its lookup page). */
export type LiveEvent = Of<'LiveEvent'>
export type EventVolume = Of<'EventVolume'>
/** A stored event (GET /recent-events). */
export type RecentEvent = Of<'RecentEvent'>
/** The answer to forget, delete or unforget: Iterable's answer per project, and what was deleted here. */
export type PrivacyResult = Of<'PrivacyResult'>
/** An audit record of forget, unforget or delete (salted hashes only, no personal data). */
export type PrivacyRecord = Of<'PrivacyAuditRecord'>
