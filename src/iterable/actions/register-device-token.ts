// "Register Push Token" (issue 16 item 3): a mobile device token through /api/users/registerDeviceToken,
// a browser's web-push token through /api/users/registerBrowserToken. Defaults read Segment's
// `context.device.token`, `context.device.type` and `context.app.namespace`; the platform follows
// the device type as RudderStack maps it (ios → APNS, android → GCM; web → a browser token).
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import { EMAIL_FIELD, USER_ID_FIELD } from '../shared-fields.js'
import { checkIdentifiers, rejected } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const PUSH_PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM'] as const

export const registerDeviceTokenFields = defineFields({
  email: {
    ...EMAIL_FIELD,
    default: {
      '@if': {
        exists: { '@path': '$.traits.email' },
        then: { '@path': '$.traits.email' },
        else: { '@path': '$.context.traits.email' },
      },
    },
  },
  userId: USER_ID_FIELD,
  token: {
    label: 'Push Token',
    description: 'The device token (APNs or Firebase) or, for a browser, its web-push token.',
    type: 'string',
    required: true,
    default: { '@path': '$.context.device.token' },
  },
  deviceType: {
    label: 'Device Type',
    description:
      'The device type: "ios" is registered for APNS (APNS_SANDBOX with Use APNs Sandbox), "android" for GCM, "web" or "browser" as a browser token. Ignored when Platform is set.',
    type: 'string',
    required: false,
    default: { '@path': '$.context.device.type' },
  },
  platform: {
    label: 'Platform',
    description: 'Iterable push platform; overrides the one read from the device type.',
    type: 'string',
    required: false,
    choices: [
      { label: 'APNs', value: 'APNS' },
      { label: 'APNs sandbox', value: 'APNS_SANDBOX' },
      { label: 'Firebase (GCM)', value: 'GCM' },
    ],
  },
  apnsSandbox: {
    label: 'Use APNs Sandbox',
    description: 'Register iOS tokens for the APNs sandbox (development builds).',
    type: 'boolean',
    required: false,
    default: false,
  },
  applicationName: {
    label: 'Application Name',
    description: "The name of the app's push integration in Iterable (mobile devices only).",
    type: 'string',
    required: false,
    default: { '@path': '$.context.app.namespace' },
  },
  dataFields: {
    label: 'Device Data Fields',
    description: 'Data to store on the device (mobile devices only), e.g. app version.',
    type: 'object',
    required: false,
  },
})

const BROWSER_TYPES = new Set(['web', 'browser'])

/** The Iterable platform of a device (`browser` for a web-push token), or why there is none. */
function platformOf(payload: JsonObject): string | PlanRejection {
  if (typeof payload.platform === 'string') return payload.platform
  const type = typeof payload.deviceType === 'string' ? payload.deviceType.toLowerCase() : ''
  if (type === 'ios') return payload.apnsSandbox === true ? 'APNS_SANDBOX' : 'APNS'
  if (type === 'android') return 'GCM'
  if (BROWSER_TYPES.has(type)) return 'browser'
  return rejected(
    type === ''
      ? 'Missing device type: map Device Type (ios, android or web) or set Platform.'
      : `Unsupported device type "${String(payload.deviceType)}": expected ios, android or web, or set Platform.`,
  )
}

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const { email, userId } = payload
  const rejection = checkIdentifiers(email, userId, context.settings.projectType)
  if (rejection) return rejection
  const platform = platformOf(payload)
  if (typeof platform !== 'string') return platform
  const user: JsonObject = {}
  if (email) user.email = email
  if (userId) user.userId = userId
  if (platform === 'browser') {
    const item = { ...user, browserToken: payload.token }
    return [{ action: 'registerDeviceToken', endpoint: ENDPOINTS.registerBrowserToken, item }]
  }
  if (!payload.applicationName) {
    return rejected('Missing application name: map Application Name (the push integration in Iterable).')
  }
  const device: JsonObject = { token: payload.token, platform, applicationName: payload.applicationName }
  if (payload.dataFields !== undefined) device.dataFields = payload.dataFields
  return [
    { action: 'registerDeviceToken', endpoint: ENDPOINTS.registerDeviceToken, item: { ...user, device } },
  ]
}

export const registerDeviceToken: ActionDefinition<typeof registerDeviceTokenFields> = {
  key: 'registerDeviceToken',
  title: 'Register Push Token',
  description: "Registers a device's push token (or a browser's web-push token) on a user profile.",
  defaultSubscription: 'type = "identify" and context.device.token != null',
  fields: registerDeviceTokenFields,
  plan,
}
