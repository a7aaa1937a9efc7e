// The identifier check of every action (reference "Must include email or userId."), plus the
// project-type rule this project adds: a userID-based Iterable project identifies users by userId
// only, so an event without one is refused before it is sent.
import { PayloadValidationError } from '../errors.js'
import type { ProjectType } from '../settings.js'

export const MISSING_IDENTIFIER = 'Must include email or userId.'
export const MISSING_USER_ID = 'Must include userId: the Iterable project is userID-based.'

export function checkIdentifiers(
  email: unknown,
  userId: unknown,
  projectType: ProjectType | undefined,
): void {
  if (!email && !userId) throw new PayloadValidationError(MISSING_IDENTIFIER)
  if (projectType === 'userId' && !userId) throw new PayloadValidationError(MISSING_USER_ID)
}

/** userId, else email: the key under which a user's deliveries are ordered. */
export function userKeyOf(email: unknown, userId: unknown): string | undefined {
  if (typeof userId === 'string' && userId !== '') return 'userId:' + userId
  if (typeof email === 'string' && email !== '') return 'email:' + email.toLowerCase()
  return undefined
}
