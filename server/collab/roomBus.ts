/**
 * A room's link to the other instances serving its document, over the bus.
 * The store (PostgreSQL) is the truth and the bus only the fast path: every
 * update is stored before it is published, messages may be lost, duplicated
 * or reordered, and whatever this instance lacks it reads from the store.
 *
 * - Load: subscribe, wait until the subscription is live, and only then
 *   read the store (`open`, then the room loads, then `attach`). Messages
 *   that arrive meanwhile are buffered and replayed after the load, so an
 *   update stored between the read and the subscription cannot be missed.
 * - Own writes: once a batch is stored, its seqs are marked applied and the
 *   batch is published as one message (`stored`).
 * - Remote updates: applied once each (seqs already applied are skipped),
 *   under the remote origin. A hole (seq 12 arrives, 11 never did) or a
 *   heads message ahead of us makes the room read `loadSince(watermark)`.
 *   The read waits GAP_GRACE_MS first: updates of different instances are
 *   not ordered on the bus, and our own write may be committed but not yet
 *   acknowledged, so most holes fill themselves within milliseconds.
 * - Nobody edits after a lost message: the writer publishes its head when
 *   it goes quiet, the Cluster makes every room publish it now and then and
 *   polls the store, and on `reconnected` every room re-reads the store.
 */
import type { Bus, DocMessage, InstanceId, Subscription } from '../bus/types.ts'
import type { Logger } from '../log.ts'
import type { DocStore, LoadSinceResult } from '../storage/types.ts'
import { ClusterAwareness } from './clusterAwareness.ts'
import { mergeMany } from './mergeUpdates.ts'
import type { Peers } from './peers.ts'
import { SeqTracker } from './seqTracker.ts'
import type * as awarenessProtocol from 'y-protocols/awareness'
import type { Metrics } from '../metrics/index.ts'

/** What a room shares with its instance's other rooms to reach the bus. */
export interface BusLink {
  bus: Bus
  peers: Peers
  /** Relay and gap-repair figures go here. */
  metrics?: Metrics
}

/** What the link needs from its room. */
export interface RoomBusTarget {
  readonly awareness: awarenessProtocol.Awareness
  /** Apply an update another instance stored (under the remote origin). */
  applyRemote(update: Uint8Array): void
  /** True for awareness ids a connection of the room owns. */
  ownsAwareness(clientId: number): boolean
}

/** Wait this long for a hole to fill itself before reading the store. */
export const GAP_GRACE_MS = 100
/** Publish our head this long after our last write, so a lost last update is noticed. */
export const QUIET_HEADS_MS = 500

export class RoomBus {
  private readonly sub: Subscription
  private buffered: { message: DocMessage; from: InstanceId }[] | null = []
  private target: RoomBusTarget | null = null
  private tracker = new SeqTracker(0)
  private awareness: ClusterAwareness | null = null
  private repairTimer: NodeJS.Timeout | null = null
  private repairing: Promise<void> | null = null
  private repairAgain = false
  private quietTimer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    private readonly docId: string,
    private readonly link: BusLink,
    private readonly store: DocStore,
    private readonly log: Logger,
  ) {
    this.sub = link.bus.subscribe(docId, this.onMessage)
  }

  /** Subscribe and wait until the subscription is live; read the store only after this. */
  static async open(docId: string, link: BusLink, store: DocStore, log: Logger): Promise<RoomBus> {
    const roomBus = new RoomBus(docId, link, store, log)
    await roomBus.sub.ready
    return roomBus
  }

  /** The room is loaded up to `lastSeq`: replay what arrived meanwhile, and ask for the others' carets. */
  attach(target: RoomBusTarget, lastSeq: number): void {
    this.target = target
    this.tracker = new SeqTracker(lastSeq)
    this.awareness = new ClusterAwareness(target.awareness, (update) => this.publish({ type: 'awareness', update }), (id) => target.ownsAwareness(id))
    const buffered = this.buffered ?? []
    this.buffered = null
    for (const { message, from } of buffered) this.handle(message, from)
    this.publish({ type: 'awareness-query' })
  }

  /** Every seq up to this is applied here: a snapshot taken now may cover it, and no further. */
  get watermark(): number {
    return this.tracker.watermark
  }

  /** Our own batch `firstSeq, firstSeq + 1, ...` is stored: tell the others. */
  stored(firstSeq: number, updates: Uint8Array[]): void {
    if (this.closed) return
    for (let i = 0; i < updates.length; i++) this.tracker.add(firstSeq + i)
    this.publish({ type: 'update', firstSeq, updates })
    // Our seq came after one we never heard of: a message was lost.
    if (this.tracker.behind) this.scheduleRepair()
    if (this.quietTimer) clearTimeout(this.quietTimer)
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null
      this.publishHeads()
    }, QUIET_HEADS_MS)
    this.quietTimer.unref()
  }

  publishHeads(): void {
    if (this.tracker.head > 0) this.publish({ type: 'heads', lastSeq: this.tracker.head })
  }

  /** Someone (the store poll) says the document reached `lastSeq`. */
  heard(lastSeq: number): void {
    this.tracker.heard(lastSeq)
    if (this.tracker.behind) this.scheduleRepair()
  }

  /** Read from the store whatever this room lacks now (another instance's newest writes). */
  catchUp(): Promise<void> {
    if (this.closed || !this.target) return Promise.resolve()
    return this.repair()
  }

  /** The bus is back after an outage: anything may have been lost, so read the store now. */
  resync(): void {
    if (this.closed || !this.target) return
    void this.repair()
    this.publish({ type: 'awareness-query' })
  }

  dropInstance(instance: InstanceId): void {
    this.awareness?.dropInstance(instance)
  }

  /** Publish the carets still pending (a closing room's clients' removals) and unsubscribe. */
  close(): void {
    if (this.closed) return
    this.awareness?.flush()
    this.closed = true
    this.sub.close()
    this.awareness?.dispose()
    if (this.repairTimer) clearTimeout(this.repairTimer)
    if (this.quietTimer) clearTimeout(this.quietTimer)
  }

  private publish(message: DocMessage): void {
    if (!this.closed) this.link.bus.publish(this.docId, message)
  }

  private readonly onMessage = (message: DocMessage, from: InstanceId): void => {
    if (this.closed) return
    this.link.peers.seen(from)
    if (this.buffered) this.buffered.push({ message, from })
    else this.handle(message, from)
  }

  private handle(message: DocMessage, from: InstanceId): void {
    const target = this.target!
    switch (message.type) {
      case 'update': {
        const started = performance.now()
        message.updates.forEach((update, i) => {
          const seq = message.firstSeq + i
          if (this.tracker.has(seq)) return
          target.applyRemote(update)
          this.tracker.add(seq)
        })
        this.link.metrics?.busApplySeconds.observe((performance.now() - started) / 1000)
        if (this.tracker.behind) this.scheduleRepair()
        return
      }
      case 'heads':
        this.heard(message.lastSeq)
        return
      case 'awareness':
        this.awareness!.applyRemote(message.update, from)
        return
      case 'awareness-query':
        this.awareness!.publishAll()
        return
    }
  }

  private scheduleRepair(): void {
    if (this.repairTimer || this.closed) return
    this.repairTimer = setTimeout(() => {
      this.repairTimer = null
      if (this.tracker.behind) void this.repair()
    }, GAP_GRACE_MS)
    this.repairTimer.unref()
  }

  /** Read what we lack from the store; concurrent calls share one read, and one more follows if asked meanwhile. */
  private repair(): Promise<void> {
    if (this.repairing) {
      this.repairAgain = true
      return this.repairing
    }
    this.repairing = (async () => {
      do {
        this.repairAgain = false
        const metrics = this.link.metrics
        const started = performance.now()
        let result: LoadSinceResult
        try {
          result = await this.store.loadSince(this.docId, this.tracker.watermark)
        } catch (err) {
          metrics?.gapRepairsFailed.inc()
          // The store is down: the poll (or the next heads) tries again.
          this.log.warn(`gap repair of ${this.docId} failed; retrying later`, (err as Error).message)
          return
        }
        if (this.closed) return
        this.applyRepair(result)
        metrics?.gapRepairsOk.inc()
        metrics?.gapRepairSeconds.observe((performance.now() - started) / 1000)
      } while (this.repairAgain)
    })().finally(() => {
      this.repairing = null
      // Something newer was heard while we read: read again (after the grace).
      if (this.tracker.behind) this.scheduleRepair()
    })
    return this.repairing
  }

  private applyRepair(result: LoadSinceResult): void {
    const target = this.target!
    if (result.status === 'updates') {
      for (const { seq, update } of result.updates) {
        if (this.tracker.has(seq)) continue
        target.applyRemote(update)
        this.tracker.add(seq)
      }
      this.tracker.addThrough(result.lastSeq)
    } else if (result.status === 'compacted') {
      // Updates we lack were folded into the snapshot: apply all of it
      // (Yjs skips what we have), as one merged update.
      const { snapshot, updates, lastSeq } = result.doc
      const parts = snapshot ? [snapshot, ...updates] : updates
      if (parts.length > 0) target.applyRemote(mergeMany(parts))
      this.tracker.addThrough(lastSeq)
    }
    // 'missing' / 'deleted': nothing to repair; a deletion closes the room by other means.
  }
}
