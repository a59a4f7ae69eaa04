/**
 * A bus's status and its listeners. `down` and `reconnected` are edges: a
 * listener hears each change once, never the same status twice in a row.
 */
import type { Logger } from '../log.ts'
import type { BusStatus, BusStatusChange } from './types.ts'

export class StatusSignal {
  private current: BusStatus
  private readonly listeners = new Set<(change: BusStatusChange) => void>()

  constructor(
    initial: BusStatus,
    private readonly logger: Logger,
  ) {
    this.current = initial
  }

  get(): BusStatus {
    return this.current
  }

  listen(listener: (change: BusStatusChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  set(next: BusStatus): void {
    if (next === this.current) return
    this.current = next
    const change: BusStatusChange = next === 'up' ? 'reconnected' : 'down'
    for (const l of [...this.listeners]) {
      try {
        l(change)
      } catch (err) {
        this.logger.error(`bus: a '${change}' listener threw`, err)
      }
    }
  }

  clear(): void {
    this.listeners.clear()
  }
}
