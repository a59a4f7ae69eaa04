/**
 * A room's awareness broadcasts, batched. Relaying every awareness message as
 * it arrives costs one write per connection per message: at 250 clients the
 * 15-second renewals alone were a quarter of all frames, and a restart, after
 * which every client reconnects and renews at once, became an N^2 storm.
 *
 * Two kinds of change, two windows:
 * - a real change (a caret moved, a name changed, someone joined or left)
 *   goes out at once, and further changes within CHANGE_WINDOW_MS share one
 *   frame;
 * - a pure renewal (same state, higher clock: "I am still here") waits up to
 *   RENEWAL_WINDOW_MS and rides along with the next frame. Peers drop a state
 *   30 s after its last renewal and clients renew every 15 s, so a few
 *   seconds of delay is safe.
 * Each frame encodes the ids' states at flush time, so it always carries the
 * latest state of each.
 */
import type * as awarenessProtocol from 'y-protocols/awareness'
import { encodeAwareness } from '../../shared/collabWire.ts'
import { SharedFrame } from './sharedFrame.ts'

export const CHANGE_WINDOW_MS = 50
export const RENEWAL_WINDOW_MS = 3000

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] }

export class AwarenessBroadcast {
  private readonly pending = new Set<number>()
  private changed = false
  private timer: NodeJS.Timeout | null = null
  private due = Infinity
  private lastFlush = -Infinity

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    /** Send one frame to every connection (the sender included). */
    private readonly broadcast: (frame: SharedFrame) => void,
  ) {
    // y-protocols emits 'change' (the state differs) just before 'update'
    // (any newer clock, renewals included) for the same application.
    awareness.on('change', this.onChange)
    awareness.on('update', this.onUpdate)
  }

  dispose(): void {
    this.awareness.off('change', this.onChange)
    this.awareness.off('update', this.onUpdate)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending.clear()
  }

  private readonly onChange = (): void => {
    this.changed = true
  }

  private readonly onUpdate = ({ added, updated, removed }: AwarenessChange): void => {
    const urgent = this.changed
    this.changed = false
    for (const id of added) this.pending.add(id)
    for (const id of updated) this.pending.add(id)
    for (const id of removed) this.pending.add(id)
    if (this.pending.size === 0) return
    const now = performance.now()
    const due = urgent ? Math.max(now, this.lastFlush + CHANGE_WINDOW_MS) : now + RENEWAL_WINDOW_MS
    if (this.timer && this.due <= due) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (due <= now) return this.flush()
    this.due = due
    this.timer = setTimeout(this.flush, due - now)
    this.timer.unref()
  }

  private readonly flush = (): void => {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.due = Infinity
    this.lastFlush = performance.now()
    if (this.pending.size === 0) return
    const ids = [...this.pending]
    this.pending.clear()
    this.broadcast(new SharedFrame(encodeAwareness(this.awareness, ids)))
  }
}
