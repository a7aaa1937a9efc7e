// Shared by both backends' privacy tables: how mentions are searched for and how audit rows read.
import { text, textOrNull, type Row } from './rows.js'
import type { PrivacyRecord, UserDataDeleted } from './types.js'

/** The salt's name in store_salts. */
export const FORGET_SALT = 'forget'

/** The mentions searched for: lower-cased (bodies are compared lower-cased), without empties. */
export function mentionNeedles(mentions: readonly string[]): string[] {
  return [...new Set(mentions.filter((m) => m !== '').map((m) => m.toLowerCase()))]
}

export function rowToPrivacyRecord(r: Row): PrivacyRecord {
  const deleted = textOrNull(r.deleted)
  return {
    id: Number(r.id),
    at: Number(r.at),
    action: text(r.action),
    subjectHash: text(r.subject_hash),
    outcome: text(r.outcome),
    projects: JSON.parse(text(r.projects)) as PrivacyRecord['projects'],
    deleted: deleted === null ? null : (JSON.parse(deleted) as UserDataDeleted),
  }
}
