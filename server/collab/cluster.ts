/**
 * What one instance does for all its rooms on the bus: the control channel
 * (instance heartbeats and farewells), the slow timers that let a room
 * notice a lost message when nobody edits any more, and recovery after a
 * bus outage.
 *
 * - Liveness: every HEARTBEAT_MS an `instance-heartbeat`; an instance not
 *   heard from (heartbeat or any document message) for PEER_TIMEOUT_MS is
 *   dead, and every room removes the carets it introduced. A graceful
 *   shutdown says `instance-leaving`, which removes them at once. A killed
 *   instance's carets therefore disappear within PEER_TIMEOUT_MS plus one
 *   heartbeat period, well inside the 30 s clients would take by themselves.
 * - Heads: every HEADS_MS each room publishes its newest seq, so a room that
 *   missed the last update of a quiet document notices.
 * - Store poll: every POLL_MS one `lastSeqs` read for all loaded rooms. It is
 *   the last line when the bus is down for good: each instance keeps serving
 *   and storing its own clients' edits, and still picks up the others'
 *   within a poll period.
 * - `reconnected`: anything may have been lost meanwhile, so every room
 *   re-reads the store and asks for the others' carets again.
 */
import type { Bus, ControlMessage, InstanceId, Subscription } from '../bus/types.ts'
import type { Logger } from '../log.ts'
import type { DocStore } from '../storage/types.ts'
import type { Peers } from './peers.ts'
import type { RoomRegistry } from './registry.ts'

export interface ClusterTimings {
  heartbeatMs: number
  peerTimeoutMs: number
  headsMs: number
  pollMs: number
  /** ClusterRules: live tokens and loaded documents re-checked against the store (lost revocations and deletions). */
  recheckMs: number
}

export const CLUSTER_DEFAULTS: ClusterTimings = { heartbeatMs: 2000, peerTimeoutMs: 10_000, headsMs: 5000, pollMs: 3000, recheckMs: 30_000 }

export interface ClusterOptions {
  bus: Bus
  peers: Peers
  registry: RoomRegistry
  store: DocStore
  log: Logger
  timings?: Partial<ClusterTimings>
}

export class Cluster {
  private readonly timings: ClusterTimings
  private readonly control: Subscription
  private readonly timers: NodeJS.Timeout[]
  private readonly stopStatus: () => void
  private polling = false
  private closed = false

  constructor(private readonly opts: ClusterOptions) {
    this.timings = { ...CLUSTER_DEFAULTS, ...opts.timings }
    const { bus } = opts
    this.control = bus.subscribeControl(this.onControl)
    this.stopStatus = bus.onStatus((change) => {
      if (change !== 'reconnected') return
      opts.log.info('bus reconnected: re-reading every loaded document from the store')
      for (const room of opts.registry.loaded()) room.busLink?.resync()
    })
    this.timers = [
      this.every(this.timings.heartbeatMs, () => {
        bus.publishControl({ type: 'instance-heartbeat' })
        for (const dead of opts.peers.takeSilent(this.timings.peerTimeoutMs)) this.dropInstance(dead)
      }),
      this.every(this.timings.headsMs, () => {
        for (const room of opts.registry.loaded()) room.busLink?.publishHeads()
      }),
      this.every(this.timings.pollMs, () => void this.poll()),
    ]
    bus.publishControl({ type: 'instance-heartbeat' })
  }

  /** Say goodbye (the others drop our carets now) and stop; the bus itself is closed by its owner. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.opts.bus.publishControl({ type: 'instance-leaving' })
    for (const t of this.timers) clearInterval(t)
    this.control.close()
    this.stopStatus()
  }

  private every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(fn, ms)
    t.unref()
    return t
  }

  private readonly onControl = (message: ControlMessage, from: InstanceId): void => {
    if (message.type === 'instance-heartbeat') this.opts.peers.seen(from)
    else if (message.type === 'instance-leaving') {
      this.opts.peers.forget(from)
      this.dropInstance(from)
    }
  }

  private dropInstance(instance: InstanceId): void {
    this.opts.log.info(`instance ${instance} left or went silent: removing its carets`)
    for (const room of this.opts.registry.loaded()) room.busLink?.dropInstance(instance)
  }

  private async poll(): Promise<void> {
    if (this.polling) return
    const rooms = [...this.opts.registry.loaded()].filter((r) => r.busLink)
    if (rooms.length === 0) return
    this.polling = true
    try {
      const seqs = await this.opts.store.lastSeqs(rooms.map((r) => r.docId))
      for (const room of rooms) {
        const seq = seqs.get(room.docId)
        if (seq !== undefined && !room.closed) room.busLink!.heard(seq)
      }
    } catch (err) {
      // The store is down; rooms already refuse writes, and the next poll tries again.
      this.opts.log.debug('store poll failed', (err as Error).message)
    } finally {
      this.polling = false
    }
  }
}
