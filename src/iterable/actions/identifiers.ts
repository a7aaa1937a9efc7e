// The identifier check of every action (reference "Must include email or userId."), plus the
// project-type rule this project adds: a userID-based Iterable project identifies users by userId
// only, so an event without one is refused before it is sent.
import type { ProjectType } from '../settings.js'
import type { PlanRejection } from './types.js'

export const MISSING_IDENTIFIER = 'Must include email or userId.'
export const MISSING_USER_ID = 'Must include userId: the Iterable project is userID-based.'

/** A payload the destination refuses (code PAYLOAD_VALIDATION_FAILED: drop, never retry). */
export function rejected(message: string): PlanRejection {
  return Object.freeze({ rejected: Object.freeze({ message, code: 'PAYLOAD_VALIDATION_FAILED' }) })
}

const NO_IDENTIFIER = rejected(MISSING_IDENTIFIER)
const NO_USER_ID = rejected(MISSING_USER_ID)

/** The identifier problem of a payload, if any (returned, not thrown: rejections are common data). */
export function checkIdentifiers(
  email: unknown,
  userId: unknown,
  projectType: ProjectType | undefined,
): PlanRejection | undefined {
  if (!email && !userId) return NO_IDENTIFIER
  if (projectType === 'userId' && !userId) return NO_USER_ID
  return undefined
}
