// Every admin answer's shape, in one place: the routes declare them as response schemas, the OpenAPI
// description is generated from the routes, and the web UI derives its types from them
// (`Static<typeof Shapes.Destination>`). TypeBox only: nothing here may pull server code into the UI.
import * as catalog from './catalog.js'
import * as cluster from './cluster.js'
import * as common from './common.js'
import * as config from './config.js'
import * as deadLetters from './dead-letters.js'
import * as deliveries from './deliveries.js'
import * as destinations from './destinations.js'
import * as events from './events.js'
import * as mappings from './mappings.js'
import * as sources from './sources.js'
import * as testMapping from './test-mapping.js'
import * as users from './users.js'

export const Shapes = {
  AdminError: common.AdminError,
  Counts: common.Counts,
  OutcomeKind: common.OutcomeKind,
  SentRequest: common.SentRequest,
  Outcome: common.OutcomeView,

  Source: sources.Source,
  SourceList: sources.SourceList,
  NewWriteKey: sources.NewWriteKey,
  RotatedWriteKey: sources.RotatedWriteKey,
  RevokedSource: sources.RevokedSource,

  ApiKeyView: destinations.ApiKeyView,
  Destination: destinations.Destination,
  DestinationList: destinations.DestinationList,
  Resumed: destinations.Resumed,
  ConnectionTest: destinations.ConnectionTest,
  GroupChoices: destinations.GroupChoices,

  Mapping: mappings.Mapping,
  ListedMapping: mappings.ListedMapping,
  MappingList: mappings.MappingList,
  MappingDeleted: mappings.MappingDeleted,

  Preset: catalog.Preset,
  PresetList: catalog.PresetList,
  Field: catalog.Field,
  ActionDefinition: catalog.ActionDefinition,
  ActionList: catalog.ActionList,
  SettingDefinition: catalog.SettingDefinition,
  SettingsDefinition: catalog.SettingsDefinition,
  TriggerValidation: catalog.TriggerValidation,

  ShownRequest: testMapping.ShownRequest,
  SentResponse: testMapping.SentResponse,
  TestResult: testMapping.TestResult,
  TestMappingAnswer: testMapping.TestMappingAnswer,

  OutcomeCount: deliveries.OutcomeCount,
  DeliveryCounts: deliveries.DeliveryCounts,
  OutcomePage: deliveries.OutcomePage,
  Attempt: deliveries.Attempt,
  AttemptPage: deliveries.AttemptPage,
  QueueItem: deliveries.QueueItem,
  DeliveryStats: deliveries.DeliveryStats,
  Queues: deliveries.Queues,
  ClusterView: cluster.ClusterViewSchema,

  DeadLetter: deadLetters.DeadLetter,
  DeadLetterPage: deadLetters.DeadLetterPage,
  DeadLetterDetail: deadLetters.DeadLetterDetail,
  DeadLetterGroup: deadLetters.DeadLetterGroup,
  DeadLetterGroups: deadLetters.DeadLetterGroups,
  Replayed: deadLetters.Replayed,
  Discarded: deadLetters.Discarded,

  StoredEvent: events.StoredEvent,
  ItemRequest: events.ItemRequest,
  EventDelivery: events.EventDelivery,
  LookedUpEvent: events.LookedUpEvent,
  EventLookup: events.EventLookup,
  UserEvents: events.UserEvents,
  RecentEvent: events.RecentEvent,
  RecentEvents: events.RecentEvents,
  ReplayAnswer: events.ReplayAnswer,
  WaitingEvents: events.WaitingEvents,
  WaitingEventsList: events.WaitingEventsList,
  EventVolume: events.EventVolume,
  LiveEvent: events.LiveEvent,
  LiveReady: events.LiveReady,
  LiveMissed: events.LiveMissed,
  LiveError: events.LiveError,

  ConfigExport: config.ConfigExport,
  ConfigApplied: config.ConfigApplied,

  PrivacyResult: users.PrivacyResult,
  PrivacyAuditRecord: users.PrivacyAuditRecord,
  PrivacyAudit: users.PrivacyAudit,
} as const
