/**
 * The other instances this one has heard from, and when (by this machine's
 * clock: clocks differ between machines, so messages carry no timestamps).
 * An instance silent for longer than the timeout is taken for dead, and the
 * carets its clients had are removed (see Cluster).
 */
import type { InstanceId } from '../bus/types.ts'

export class Peers {
  private readonly lastSeen = new Map<InstanceId, number>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  seen(id: InstanceId): void {
    this.lastSeen.set(id, this.now())
  }

  forget(id: InstanceId): void {
    this.lastSeen.delete(id)
  }

  /** Instances not heard from in `timeoutMs`; they are forgotten. */
  takeSilent(timeoutMs: number): InstanceId[] {
    const cutoff = this.now() - timeoutMs
    const silent: InstanceId[] = []
    for (const [id, at] of this.lastSeen) {
      if (at >= cutoff) continue
      silent.push(id)
      this.lastSeen.delete(id)
    }
    return silent
  }
}
