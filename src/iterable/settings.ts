// Destination settings (reference §1.1) plus this project's optional `projectType` (D9), and their
// validation. An unknown region is rejected, never silently sent to the US (D10).
import { SettingsValidationError } from './errors.js'
import { isDataCenterLocation, type DataCenterLocation } from './regions.js'

export const PROJECT_TYPES = ['email', 'userId', 'hybrid'] as const
export type ProjectType = (typeof PROJECT_TYPES)[number]

export interface SettingDefinition {
  label: string
  description: string
  type: 'string' | 'password'
  required: boolean
  choices?: ReadonlyArray<{ label: string; value: string }>
  default?: string
}

export const settingsDefinition = {
  apiKey: {
    label: 'API Key',
    description:
      "To obtain the API Key, go to the Iterable app and naviate to Integrations > API Keys. Create a new API Key with the 'Server-Side' type.",
    type: 'password',
    required: true,
  },
  dataCenterLocation: {
    label: 'Data Center Location',
    description: 'The location where your Iterable data is hosted.',
    type: 'string',
    required: false,
    choices: [
      { label: 'United States', value: 'united_states' },
      { label: 'Europe', value: 'europe' },
    ],
    default: 'united_states',
  },
  projectType: {
    label: 'Project Type',
    description:
      'Optional: how your Iterable project identifies users (email-based, userID-based or hybrid). ' +
      'Decides how a new email address is applied (updateEmail or dataFields.email) and which identifiers ' +
      "an event must carry. Leave empty to behave exactly like Segment's destination.",
    type: 'string',
    required: false,
    choices: [
      { label: 'Email-based', value: 'email' },
      { label: 'UserID-based', value: 'userId' },
      { label: 'Hybrid', value: 'hybrid' },
    ],
  },
} as const satisfies Record<string, SettingDefinition>

/** Settings after validation: region defaulted, unknown keys dropped. */
export interface IterableSettings {
  apiKey: string
  dataCenterLocation: DataCenterLocation
  projectType?: ProjectType
}

export interface ValidateSettingsOptions {
  /** `preview` needs no key: false lets a missing apiKey through (a placeholder is used, never printed). */
  requireApiKey?: boolean
}

export const PREVIEW_API_KEY_PLACEHOLDER = 'preview-no-api-key'

function isProjectType(value: unknown): value is ProjectType {
  return value === 'email' || value === 'userId' || value === 'hybrid'
}

/** Validates raw settings; throws `SettingsValidationError` naming the setting and the problem. */
export function validateSettings(raw: unknown, options: ValidateSettingsOptions = {}): IterableSettings {
  const requireApiKey = options.requireApiKey ?? true
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SettingsValidationError('Settings must be an object.')
  }
  const input = raw as Record<string, unknown>

  let apiKey = input.apiKey
  if (apiKey === undefined || apiKey === null || apiKey === '') {
    if (requireApiKey) throw new SettingsValidationError('API Key (apiKey) is required.', 'apiKey')
    apiKey = PREVIEW_API_KEY_PLACEHOLDER
  } else if (typeof apiKey !== 'string') {
    throw new SettingsValidationError('API Key (apiKey) must be a string.', 'apiKey')
  }

  const location = input.dataCenterLocation ?? 'united_states'
  if (!isDataCenterLocation(location)) {
    // The reference's own settings message; actions there would silently send to the US instead (D10).
    throw new SettingsValidationError(
      'Data Center Location must be one of: "united_states" or "europe".',
      'dataCenterLocation',
    )
  }

  const settings: IterableSettings = { apiKey: apiKey as string, dataCenterLocation: location }
  const projectType = input.projectType
  if (projectType !== undefined && projectType !== null && projectType !== '') {
    if (!isProjectType(projectType)) {
      throw new SettingsValidationError(
        'Project Type must be one of: "email", "userId" or "hybrid".',
        'projectType',
      )
    }
    if (projectType === 'email' && location === 'europe') {
      // Iterable's EU data centre hosts only userID-based and hybrid projects.
      throw new SettingsValidationError(
        'Project Type "email" is not available in the europe data center: Iterable EU projects are userID-based or hybrid.',
        'projectType',
      )
    }
    settings.projectType = projectType
  }
  return settings
}
