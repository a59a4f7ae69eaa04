/**
 * A seeded fault injector around a real Bus (memory or Redis): each message
 * a handler would receive is dropped, duplicated, held back (so later ones
 * overtake it) or delivered, by one draw from a seeded PRNG. Given the same
 * seed and the same arrivals, the decisions are the same, so a failing
 * scale-out run replays. Publishing, status and subscriptions pass through
 * untouched: these are the faults of pub/sub delivery, not of the instance.
 *
 * Decisions are made per handler call, in arrival order; `log` records them
 * so a test can show the schedule it ran under. Control messages are left
 * alone unless `control` is set (a lost revocation is a different story from
 * a lost update: the store does not repair it).
 */
import type { ControlHandler, DocHandler } from '../../server/bus/delivery.ts'
import type { Bus, BusStats, BusStatus, BusStatusChange, ControlMessage, DocMessage, Subscription } from '../../server/bus/types.ts'
import { rng } from './wait.ts'

export interface FaultRates {
  /** Probability a message is lost. */
  drop: number
  /** Probability it arrives twice (the copy later, after a random delay). */
  duplicate: number
  /** Probability it is held back by a random delay, so later messages overtake it. */
  delay: number
  /** Longest hold-back, ms (a delay is 1..maxDelayMs). */
  maxDelayMs: number
}

export interface FaultOptions extends Partial<FaultRates> {
  seed: number
  /** Apply faults to the control channel too. */
  control?: boolean
}

export type FaultAction = 'deliver' | 'drop' | 'duplicate' | 'delay'

export interface FaultDecision {
  /** The document, or null for the control channel. */
  docId: string | null
  type: (DocMessage | ControlMessage)['type']
  action: FaultAction
  /** For 'delay', the hold-back; for 'duplicate', when the copy follows. */
  delayMs: number
}

export interface FaultyBus extends Bus {
  readonly log: readonly FaultDecision[]
  counts(): Record<FaultAction, number>
  /** Change the rates mid-test (e.g. to zero, to show convergence once faults stop). */
  setRates(rates: Partial<FaultRates>): void
  /** Resolves when no held-back message or copy is still waiting. */
  settled(): Promise<void>
}

export const NO_FAULTS: FaultRates = { drop: 0, duplicate: 0, delay: 0, maxDelayMs: 50 }

export function withFaults(inner: Bus, { seed, control = false, ...given }: FaultOptions): FaultyBus {
  const rates: FaultRates = { ...NO_FAULTS, ...given }
  check(rates)
  const random = rng(seed)
  const log: FaultDecision[] = []
  const timers = new Set<NodeJS.Timeout>()
  const idle: Array<() => void> = []

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
      if (timers.size === 0) for (const resolve of idle.splice(0)) resolve()
    }, ms)
    timers.add(t)
  }

  /** One draw decides; a second, only when needed, picks the delay. */
  const decide = (docId: string | null, type: FaultDecision['type']): FaultDecision => {
    const r = random()
    const action: FaultAction =
      r < rates.drop ? 'drop' : r < rates.drop + rates.duplicate ? 'duplicate' : r < rates.drop + rates.duplicate + rates.delay ? 'delay' : 'deliver'
    const delayMs = action === 'delay' || action === 'duplicate' ? 1 + Math.floor(random() * rates.maxDelayMs) : 0
    const decision = { docId, type, action, delayMs }
    log.push(decision)
    return decision
  }

  const faulty = <M extends DocMessage | ControlMessage>(docId: string | null, isOpen: () => boolean, handler: (m: M, from: string) => void) => {
    return (message: M, from: string) => {
      const { action, delayMs } = decide(docId, message.type)
      const deliver = () => {
        if (isOpen()) handler(message, from)
      }
      if (action === 'deliver') deliver()
      else if (action === 'duplicate') {
        deliver()
        later(delayMs, deliver)
      } else if (action === 'delay') later(delayMs, deliver)
    }
  }

  /** A closed subscription gets nothing more, not even a copy or a held-back message. */
  const guarded = (subscribeWith: (isOpen: () => boolean) => Subscription): Subscription => {
    let open = true
    const sub = subscribeWith(() => open)
    return {
      ready: sub.ready,
      close: () => {
        open = false
        sub.close()
      },
    }
  }

  return {
    get instanceId() {
      return inner.instanceId
    },
    log,
    publish: (docId: string, message: DocMessage) => inner.publish(docId, message),
    publishControl: (message: ControlMessage) => inner.publishControl(message),
    subscribe: (docId: string, onMessage: DocHandler) => guarded((isOpen) => inner.subscribe(docId, faulty(docId, isOpen, onMessage))),
    subscribeControl: (onMessage: ControlHandler) =>
      control ? guarded((isOpen) => inner.subscribeControl(faulty(null, isOpen, onMessage))) : inner.subscribeControl(onMessage),
    status: (): BusStatus => inner.status(),
    onStatus: (listener: (change: BusStatusChange) => void) => inner.onStatus(listener),
    onRelayTime: (listener: (seconds: number) => void) => inner.onRelayTime(listener),
    stats: (): Readonly<BusStats> => inner.stats(),
    counts() {
      const counts: Record<FaultAction, number> = { deliver: 0, drop: 0, duplicate: 0, delay: 0 }
      for (const d of log) counts[d.action]++
      return counts
    },
    setRates(next) {
      const merged = { ...rates, ...next }
      check(merged)
      Object.assign(rates, merged)
    },
    settled: () => (timers.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
    async close() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const resolve of idle.splice(0)) resolve()
      await inner.close()
    },
  }
}

function check(r: FaultRates): void {
  for (const k of ['drop', 'duplicate', 'delay'] as const) {
    if (!(r[k] >= 0 && r[k] <= 1)) throw new Error(`fault rate ${k} must be within 0..1, got ${r[k]}`)
  }
  if (r.drop + r.duplicate + r.delay > 1) throw new Error(`fault rates add up to more than 1 (${r.drop} + ${r.duplicate} + ${r.delay})`)
  if (!(r.maxDelayMs >= 1)) throw new Error(`maxDelayMs must be at least 1, got ${r.maxDelayMs}`)
}
