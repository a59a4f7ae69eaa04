/**
 * The receiving half every bus shares: who on this instance listens to which
 * document, decoding frames, skipping this instance's own messages, and the
 * counters. A bus implementation only moves frames; it hands each one that
 * arrives to `deliverDoc` or `deliverControl`.
 */
import type { Logger } from '../log.ts'
import { decodeControlMessage, decodeDocMessage } from './codec.ts'
import type { BusStats, ControlMessage, DocMessage, InstanceId } from './types.ts'

export type DocHandler = (message: DocMessage, from: InstanceId) => void
export type ControlHandler = (message: ControlMessage, from: InstanceId) => void

export class Delivery {
  readonly stats: BusStats = { published: 0, delivered: 0, dropped: 0, malformed: 0 }
  private readonly docs = new Map<string, Set<DocHandler>>()
  private readonly control = new Set<ControlHandler>()
  private readonly relayListeners = new Set<(seconds: number) => void>()
  /** When our last heartbeat went out, until it comes back. */
  private heartbeatAt: number | null = null

  constructor(
    private readonly instanceId: InstanceId,
    private readonly logger: Logger,
  ) {}

  /** Adds a handler; true if it is the document's first (the bus must subscribe its channel). */
  addDoc(docId: string, handler: DocHandler): boolean {
    let set = this.docs.get(docId)
    const first = !set
    if (!set) this.docs.set(docId, (set = new Set()))
    set.add(handler)
    return first
  }

  /** Removes a handler; true if it was the document's last (the bus may unsubscribe its channel). */
  removeDoc(docId: string, handler: DocHandler): boolean {
    const set = this.docs.get(docId)
    if (!set?.delete(handler) || set.size > 0) return false
    this.docs.delete(docId)
    return true
  }

  addControl(handler: ControlHandler): void {
    this.control.add(handler)
  }

  removeControl(handler: ControlHandler): void {
    this.control.delete(handler)
  }

  docIds(): string[] {
    return [...this.docs.keys()]
  }

  hasDoc(docId: string): boolean {
    return this.docs.has(docId)
  }

  deliverDoc(docId: string, frame: Uint8Array): void {
    const handlers = this.docs.get(docId)
    if (!handlers) return
    const decoded = decodeDocMessage(frame)
    if (!decoded) return void this.stats.malformed++
    if (decoded.from === this.instanceId) return
    // A copy: a handler may unsubscribe itself or another while we loop.
    for (const h of [...handlers]) this.call(() => h(decoded.message, decoded.from))
  }

  /** A control message of ours is going out: a heartbeat starts the relay clock (see Bus.onRelayTime). */
  sending(message: ControlMessage): void {
    if (message.type === 'instance-heartbeat') this.heartbeatAt = performance.now()
  }

  onRelayTime(listener: (seconds: number) => void): () => void {
    this.relayListeners.add(listener)
    return () => this.relayListeners.delete(listener)
  }

  deliverControl(frame: Uint8Array): void {
    if (this.control.size === 0) return
    const decoded = decodeControlMessage(frame)
    if (!decoded) return void this.stats.malformed++
    if (decoded.from === this.instanceId) {
      // Our own heartbeat is back: that is how long the bus took.
      if (decoded.message.type === 'instance-heartbeat' && this.heartbeatAt !== null) {
        const seconds = (performance.now() - this.heartbeatAt) / 1000
        this.heartbeatAt = null
        for (const listener of this.relayListeners) this.call(() => listener(seconds))
      }
      return
    }
    for (const h of [...this.control]) this.call(() => h(decoded.message, decoded.from))
  }

  clear(): void {
    this.docs.clear()
    this.control.clear()
  }

  /**
   * One subscriber's bug must not stop delivery to the others, nor escape
   * into the Redis client's socket handler (where it would break parsing).
   */
  private call(fn: () => void): void {
    this.stats.delivered++
    try {
      fn()
    } catch (err) {
      this.logger.error('bus: a subscriber threw', err)
    }
  }
}
