/**
 * The rules that hold across instances, over the bus's control channel:
 *
 * - Revoking a token closes its sockets on every instance: the instance that
 *   revoked it stores the revocation, closes its own sockets and says
 *   `revoked`; the others close theirs when they hear it.
 * - Deleting a document closes its sockets everywhere (4410) and unloads it:
 *   `deleted`, handled like the local delete.
 * - MAX_CONNECTIONS_PER_DOC counts every instance: each publishes its open
 *   sockets per document (`doc-connections`) shortly after they change and
 *   with every heartbeat, and admits a socket only while its own count plus
 *   the others' last counts is under the limit. Two instances admitting at
 *   the same moment can both take the last place, so the limit may be
 *   overshot by about one socket per instance for one publish delay; the
 *   counts travel over pub/sub and nothing is kept in Redis (no key per
 *   document to expire or leak), at the price of a message whose size grows
 *   with the documents an instance has open.
 *
 * The control channel can lose messages (Redis down, a reconnect), so the
 * store is checked too, every RECHECK period and when the bus reconnects:
 * each live socket's token against the revocations, and each loaded room
 * that has stored updates against the store's list of documents (a deleted
 * one has left it). A room that writes to a deleted document learns at once
 * anyway: the store refuses the write.
 */
import type { Bus, ControlMessage, InstanceId, Subscription } from '../bus/types.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import type { Logger } from '../log.ts'
import type { DocStore } from '../storage/types.ts'
import type { RoomRegistry } from './registry.ts'
import type { RemoteConnections } from './remoteConnections.ts'

/** What the rules need from the WebSocket edge. */
export interface RulesEdge {
  revokeToken(jti: string): number
  docCounts(): ReadonlyMap<string, number>
  liveTokens(): string[]
}

export interface ClusterRulesTimings {
  /** Publish the connection counts at least this often (with the heartbeat). */
  heartbeatMs: number
  /** Re-check tokens and loaded documents against the store this often. */
  recheckMs: number
}

/** Gather count changes this long before publishing them. */
export const COUNTS_DEBOUNCE_MS = 50

export interface ClusterRulesOptions {
  bus: Bus
  store: DocStore
  registry: RoomRegistry
  edge: RulesEdge
  remote: RemoteConnections
  log: Logger
  timings: ClusterRulesTimings
  /** A document was deleted (here or elsewhere): stop what else runs on it here (AI jobs). */
  onDeleted: (docId: string) => void
  /**
   * A version of a document is being restored (here or elsewhere): stop its
   * AI jobs here; resolves with their ids once their words are stored and
   * published.
   */
  onRestoring: (docId: string) => Promise<string[]>
}

/** How long a restore waits for other instances' AI jobs in the document to stop. */
export const RESTORE_AI_WAIT_MS = 3000

export class ClusterRules {
  private readonly control: Subscription
  private readonly stopStatus: () => void
  private readonly timers: NodeJS.Timeout[]
  private countsTimer: NodeJS.Timeout | null = null
  private rechecking = false
  private closed = false
  /** Restores waiting for the other instances' answers to `restoring`. */
  private readonly restoreAnswerListeners = new Set<(docId: string, from: InstanceId) => void>()

  constructor(private readonly opts: ClusterRulesOptions) {
    this.control = opts.bus.subscribeControl(this.onControl)
    this.stopStatus = opts.bus.onStatus((change) => {
      if (change === 'reconnected') void this.recheck()
    })
    this.timers = [this.every(opts.timings.heartbeatMs, () => this.publishCounts()), this.every(opts.timings.recheckMs, () => void this.recheck())]
  }

  /** The token was revoked here (and stored): close its sockets here and on every instance. */
  revoke(jti: string): number {
    this.opts.bus.publishControl({ type: 'revoked', jti })
    return this.opts.edge.revokeToken(jti)
  }

  /** The document was deleted here (and stored): close and unload it here and on every instance. */
  deleted(docId: string): void {
    this.opts.bus.publishControl({ type: 'deleted', docId })
    this.dropDocument(docId)
  }

  /**
   * A version of the document is about to be restored here: stop its AI
   * jobs here and on every instance. Resolves once the jobs here have ended
   * and every other live instance has answered that its own have (their
   * words stored and published), or after RESTORE_AI_WAIT_MS. The bus is
   * best effort: a job whose instance misses the message writes on after
   * the restore, like any concurrent edit.
   */
  async restoring(docId: string): Promise<void> {
    const answered = this.whenAnswered(docId, new Set(this.opts.remote.live()))
    this.opts.bus.publishControl({ type: 'restoring', docId })
    await Promise.all([this.opts.onRestoring(docId), answered])
  }

  /** Resolves once each of `instances` has answered `restoring` for `docId`, or after RESTORE_AI_WAIT_MS. */
  private whenAnswered(docId: string, instances: Set<InstanceId>): Promise<void> {
    if (instances.size === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const listener = (answeredDoc: string, from: InstanceId) => {
        if (answeredDoc !== docId) return
        instances.delete(from)
        if (instances.size === 0) done()
      }
      const done = () => {
        clearTimeout(timer)
        this.restoreAnswerListeners.delete(listener)
        resolve()
      }
      const timer = setTimeout(done, RESTORE_AI_WAIT_MS)
      this.restoreAnswerListeners.add(listener)
    })
  }


  /** This instance's sockets per document changed: tell the others soon. */
  countsChanged(): void {
    if (this.countsTimer || this.closed) return
    this.countsTimer = setTimeout(() => this.publishCounts(), COUNTS_DEBOUNCE_MS)
    this.countsTimer.unref()
  }

  close(): void {
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    if (this.countsTimer) clearTimeout(this.countsTimer)
    this.control.close()
    this.stopStatus()
  }

  /** Check live tokens and loaded documents against the store (a control message may have been lost). */
  async recheck(): Promise<void> {
    if (this.rechecking || this.closed) return
    this.rechecking = true
    try {
      for (const jti of await this.opts.store.revokedAmong(this.opts.edge.liveTokens())) {
        this.opts.log.info('a live token was revoked elsewhere (found in the store): closing its sockets')
        this.opts.edge.revokeToken(jti)
      }
      // Only rooms with stored updates: a new document may have no record yet.
      const stored = [...this.opts.registry.loaded()].filter((r) => !r.closed && (r.busLink?.watermark ?? 0) > 0).map((r) => r.docId)
      if (stored.length === 0) return
      const present = await this.opts.store.lastSeqs(stored)
      for (const docId of stored) if (!present.has(docId)) this.dropDocument(docId)
    } catch (err) {
      // The store is down: the next recheck (or `reconnected`) tries again.
      this.opts.log.debug('cluster recheck failed', (err as Error).message)
    } finally {
      this.rechecking = false
    }
  }

  private every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(fn, ms)
    t.unref()
    return t
  }

  private publishCounts(): void {
    if (this.countsTimer) clearTimeout(this.countsTimer)
    this.countsTimer = null
    if (this.closed) return
    const counts = [...this.opts.edge.docCounts()].map(([docId, count]) => ({ docId, count }))
    this.opts.bus.publishControl({ type: 'doc-connections', counts })
  }

  private dropDocument(docId: string): void {
    this.opts.registry.evict(docId, CloseCode.DocumentDeleted)
    this.opts.onDeleted(docId)
  }

  private readonly onControl = (message: ControlMessage, from: InstanceId): void => {
    switch (message.type) {
      case 'revoked':
        this.opts.edge.revokeToken(message.jti)
        return
      case 'deleted':
        this.dropDocument(message.docId)
        return
      case 'restoring':
        // Every instance answers, jobs or none: the restorer waits for each live one.
        void this.opts.onRestoring(message.docId).then((jobIds) => {
          if (!this.closed) this.opts.bus.publishControl({ type: 'ai-stopped', docId: message.docId, jobIds })
        })
        return
      case 'ai-stopped':
        for (const listener of this.restoreAnswerListeners) listener(message.docId, from)
        return
      case 'doc-connections':
        this.opts.remote.record(from, message.counts)
        return
      case 'instance-leaving':
        this.opts.remote.forget(from)
        return
      default:
    }
  }
}
