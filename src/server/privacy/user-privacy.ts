// Forget, unforget or delete one user, end to end (docs/operations.md#forgetting-a-user):
// 1. forget/delete: the user's identity keys join the forgotten set (salted hashes) and delivery
//    reloads it, dropping the user's queued items before anything else is sent (they would
//    re-create the user); with several nodes, every other live node has reloaded it too
//    (other-nodes.ts) before anything below happens;
// 2. this service's own copies go: stored events, outcomes, parked items, dead letters, requests;
// 3. Iterable is called once per project (every enabled destination with a key, or the one named);
// 4. an audit record without personal data (the hash, the action, the outcome per destination).
// A delete keeps the user out only while it runs; a forget until `unforget`.
import type { Delivery } from '../../delivery/delivery.js'
import { IterableClient } from '../../iterable/client/index.js'
import type { Destination, Store, UserDataDeleted } from '../../store/types.js'
import { hashIdentityKey, identityKeys, type UserIdentifiers } from '../../util/forgotten-set.js'
import { deliveryBaseUrl } from '../admin/destination-access.js'
import { callProject, privacyRequests, type PrivacyAction, type ProjectCallResult } from './iterable-calls.js'
import { waitForOtherNodes, type OtherNodesOptions } from './other-nodes.js'

export interface PrivacyRequest {
  action: PrivacyAction
  user: UserIdentifiers
  /** Only this destination's project (default: every enabled destination with an API key). */
  destinationId?: string
}

export interface ProjectReport extends ProjectCallResult {
  destinationId: string
  destinationName: string
}

export interface PrivacyResult {
  id: number
  at: number
  action: PrivacyAction
  /** Salted hashes of the user's identity keys, space-separated: what the audit keeps. */
  subjectHash: string
  outcome: 'succeeded' | 'partial' | 'failed'
  projects: ProjectReport[]
  /** This service's rows deleted (null for unforget). */
  deleted: UserDataDeleted | null
}

export interface UserPrivacyOptions {
  /** Several nodes share the store: wait for the others to reload the forgotten set (null: one process). */
  otherNodes: Omit<OtherNodesOptions, 'nodeId'> | null
  /** Per-request timeout of the calls to Iterable (default 15 s). */
  timeoutMs?: number
}

/** Destinations whose project a request calls, or a reason there is none. */
async function targets(store: Store, destinationId: string | undefined): Promise<Destination[]> {
  if (destinationId !== undefined) {
    const one = await store.getDestination(destinationId)
    return one === null ? [] : [one]
  }
  return (await store.listDestinations()).filter((d) => d.enabled && d.hasApiKey)
}

/** JSON fragments that name the user in stored bodies (store.deleteUserData's mentions). */
function mentionsOf(user: UserIdentifiers): string[] {
  const mentions: string[] = []
  if (user.email !== undefined) mentions.push(JSON.stringify(user.email))
  if (user.userId !== undefined) mentions.push(`"userId":${JSON.stringify(user.userId)}`)
  return mentions
}

export class UserPrivacy {
  constructor(
    readonly store: Store,
    readonly delivery: Delivery,
    readonly options: UserPrivacyOptions,
  ) {}

  async run(request: PrivacyRequest): Promise<PrivacyResult> {
    const { store, delivery } = this
    const { action, user } = request
    const destinations = await targets(store, request.destinationId)
    const salt = await store.forgetSalt()
    const keys = identityKeys(user)
    const hashes = keys.map((key) => hashIdentityKey(salt, key))
    let deleted: UserDataDeleted | null = null
    let added: string[] = []
    if (action === 'unforget') {
      // Letting events in again needs no wait: other nodes follow within their configuration watch.
      await store.removeForgotten(hashes)
      await delivery.reload()
    } else {
      const before = new Set(await store.listForgotten())
      added = hashes.filter((hash) => !before.has(hash))
      await store.addForgotten(added)
      await this.#everyNodeKeepsOut()
      const userKeys = [user.userId, user.email, user.email?.toLowerCase()].filter(
        (k): k is string => k !== undefined,
      )
      deleted = await store.deleteUserData({
        userKeys: [...new Set(userKeys)],
        orderingKeys: keys,
        mentions: mentionsOf(user),
      })
    }
    let projects: ProjectReport[]
    try {
      projects = await this.#callIterable(action, user, destinations)
    } finally {
      // A delete does not block later data: the user is let in again once it is done.
      if (action === 'delete' && added.length > 0) {
        await store.removeForgotten(added)
        await delivery.reload()
      }
    }
    const failed = projects.filter((p) => p.outcome === 'failed').length
    const outcome = failed === 0 ? 'succeeded' : failed === projects.length ? 'failed' : 'partial'
    const record = await store.recordPrivacyAction({
      at: Date.now(),
      action,
      subjectHash: hashes.join(' '),
      outcome,
      projects: projects.map((p) => ({
        destinationId: p.destinationId,
        outcome: p.outcome,
        status: p.status,
        code: p.code,
      })),
      deleted,
    })
    return {
      id: record.id,
      at: record.at,
      action,
      subjectHash: record.subjectHash,
      outcome,
      projects,
      deleted,
    }
  }

  /** Ingest and delivery here take the new set now; then every other live node has it too. */
  async #everyNodeKeepsOut(): Promise<void> {
    const { store, delivery } = this
    // Read before the reload: what is reloaded holds at least this revision.
    const revision = await store.forgottenRevision()
    await delivery.reload()
    if (this.options.otherNodes === null) return
    await store.markForgottenSeen(delivery.nodeId, revision)
    await waitForOtherNodes(store, revision, { ...this.options.otherNodes, nodeId: delivery.nodeId })
  }

  /** One call per Iterable project (API key and base URL); destinations sharing one share its result. */
  async #callIterable(
    action: PrivacyAction,
    user: UserIdentifiers,
    destinations: readonly Destination[],
  ): Promise<ProjectReport[]> {
    const byProject = new Map<string, Promise<ProjectCallResult>>()
    const reports: ProjectReport[] = []
    for (const destination of destinations) {
      const apiKey = await this.store.getDestinationApiKey(destination.id)
      const name = { destinationId: destination.id, destinationName: destination.name }
      if (apiKey === null) {
        reports.push({
          ...name,
          outcome: 'failed',
          status: null,
          code: 'NO_API_KEY',
          message: 'no API key set',
        })
        continue
      }
      const base = deliveryBaseUrl(this.delivery, destination.settings.dataCenterLocation)
      const project = `${base}\n${apiKey}`
      let call = byProject.get(project)
      if (call === undefined) {
        const client = new IterableClient({
          apiKey,
          baseUrl: base,
          timeoutMs: this.options.timeoutMs ?? 15_000,
        })
        call = callProject(client, privacyRequests(action, user)).finally(() => void client.close())
        byProject.set(project, call)
      }
      reports.push({ ...name, ...(await call) })
    }
    return reports
  }
}
