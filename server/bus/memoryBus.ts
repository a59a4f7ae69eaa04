/**
 * An in-process bus: one hub stands for Redis, and each `hub.connect()` is
 * one instance's bus. Tests run several instances in one process with it,
 * and a single-instance server can use it as a bus with nobody else on it.
 *
 * It behaves as the Redis bus does where rooms could tell the difference:
 * frames go through the codec (a receiver never shares an array with the
 * sender), delivery is asynchronous (a later event-loop turn, in publish
 * order), and `hub.outage()` / `hub.restore()` play Redis going away and
 * coming back, with the same drops and status changes.
 */
import { randomUUID } from 'node:crypto'
import { createLogger, type Logger } from '../log.ts'
import { encodeControlMessage, encodeDocMessage } from './codec.ts'
import { Delivery } from './delivery.ts'
import { StatusSignal } from './statusSignal.ts'
import type { DocHandler, ControlHandler } from './delivery.ts'
import type { Bus, BusStats, BusStatus, BusStatusChange, ControlMessage, DocMessage, Subscription } from './types.ts'

export interface MemoryHub {
  connect(options?: { logger?: Logger }): Bus
  /** Every bus goes down: publishes are dropped, in-flight messages are lost. */
  outage(): void
  /** Every open bus comes back up and fires `reconnected`. */
  restore(): void
}

const LIVE: Promise<void> = Promise.resolve()

export function createMemoryHub(): MemoryHub {
  const members = new Set<MemberBus>()
  let down = false

  const hub: MemoryHub = {
    connect({ logger = createLogger('error') } = {}) {
      const bus = new MemberBus(logger, down, (frame, self) => {
        for (const other of members) {
          if (other === self) continue
          // Checked again on arrival: a frame in flight when the outage begins is lost.
          setImmediate(() => {
            if (!down) frame(other)
          })
        }
      })
      members.add(bus)
      bus.onClose(() => members.delete(bus))
      return bus
    },
    outage() {
      down = true
      for (const m of members) m.signal.set('down')
    },
    restore() {
      down = false
      for (const m of members) m.signal.set('up')
    },
  }
  return hub
}

type Send = (deliver: (to: MemberBus) => void, from: MemberBus) => void

class MemberBus implements Bus {
  readonly instanceId = randomUUID()
  readonly signal: StatusSignal
  private readonly delivery: Delivery
  private closed = false
  private closeListener: () => void = () => {}

  constructor(
    logger: Logger,
    startDown: boolean,
    private readonly send: Send,
  ) {
    this.signal = new StatusSignal(startDown ? 'down' : 'up', logger)
    this.delivery = new Delivery(this.instanceId, logger)
  }

  onClose(fn: () => void): void {
    this.closeListener = fn
  }

  publish(docId: string, message: DocMessage): void {
    if (!this.canSend()) return
    const frame = encodeDocMessage(this.instanceId, message)
    this.send((to) => to.delivery.deliverDoc(docId, frame), this)
  }

  subscribe(docId: string, onMessage: DocHandler): Subscription {
    this.delivery.addDoc(docId, onMessage)
    return { ready: LIVE, close: () => void this.delivery.removeDoc(docId, onMessage) }
  }

  onRelayTime(listener: (seconds: number) => void): () => void {
    return this.delivery.onRelayTime(listener)
  }

  publishControl(message: ControlMessage): void {
    if (!this.canSend()) return
    const frame = encodeControlMessage(this.instanceId, message)
    this.send((to) => to.delivery.deliverControl(frame), this)
  }

  subscribeControl(onMessage: ControlHandler): Subscription {
    this.delivery.addControl(onMessage)
    return { ready: LIVE, close: () => this.delivery.removeControl(onMessage) }
  }

  status(): BusStatus {
    return this.signal.get()
  }

  onStatus(listener: (change: BusStatusChange) => void): () => void {
    return this.signal.listen(listener)
  }

  stats(): Readonly<BusStats> {
    return { ...this.delivery.stats }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.delivery.clear()
    this.signal.clear()
    this.signal.set('down')
    this.closeListener()
  }

  private canSend(): boolean {
    if (this.closed || this.signal.get() === 'down') {
      this.delivery.stats.dropped++
      return false
    }
    this.delivery.stats.published++
    return true
  }
}
