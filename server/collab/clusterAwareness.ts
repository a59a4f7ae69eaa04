/**
 * A room's carets across instances. Changes made here (by this instance's
 * connections, or its AI jobs) are published on the bus; states published
 * by other instances are applied under the remote origin, which the room's
 * own broadcast relays to its connections and this relay never publishes
 * again.
 *
 * Each remote state remembers the instance that introduced it, so when that
 * instance leaves or falls silent its states are removed (a killed
 * instance's clients never send their removals). Remote ids are owned by no
 * local connection, so a local client cannot take them over (Room refuses
 * ownerless states); and a remote entry for an id a local connection owns
 * is skipped, as happens when a client moves to this instance before its old
 * one noticed the old socket closing.
 *
 * Local changes within CHANGE_WINDOW_MS share one message, as in
 * AwarenessBroadcast; renewals travel too, since remote rooms drop a state
 * 30 s after its last renewal just as clients do.
 */
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { InstanceId } from '../bus/types.ts'
import { CHANGE_WINDOW_MS } from './awarenessBroadcast.ts'
import { decodeAwarenessEntries, type AwarenessEntry } from './messages.ts'
import { REMOTE_ORIGIN } from './origins.ts'

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] }

export class ClusterAwareness {
  /** Remote awareness id -> the instance that introduced it. */
  private readonly remote = new Map<number, InstanceId>()
  private readonly pending = new Set<number>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    /** Publish an awareness update (y-protocols encoding) to the other instances. */
    private readonly publish: (update: Uint8Array) => void,
    /** True for ids a connection of this room owns. */
    private readonly ownedLocally: (clientId: number) => boolean,
  ) {
    awareness.on('update', this.onUpdate)
  }

  /** Apply another instance's awareness update. Undecodable updates are ignored (a newer version mid-deploy). */
  applyRemote(update: Uint8Array, from: InstanceId): void {
    let entries: AwarenessEntry[]
    try {
      entries = decodeAwarenessEntries(update)
    } catch {
      return
    }
    const kept = entries.filter((e) => !this.ownedLocally(e.clientId))
    if (kept.length === 0) return
    for (const e of kept) {
      if (e.json.trim() === 'null') this.remote.delete(e.clientId)
      else this.remote.set(e.clientId, from)
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, kept.length === entries.length ? update : encodeEntries(kept), REMOTE_ORIGIN)
  }

  /** Every state this instance contributes, for an instance that asked (it just loaded the document). */
  publishAll(): void {
    const ids = [...this.awareness.getStates().keys()].filter((id) => !this.remote.has(id))
    if (ids.length > 0) this.publish(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids))
  }

  /** Remove the states `instance` introduced (it left or died). */
  dropInstance(instance: InstanceId): void {
    const ids = [...this.remote].filter(([, from]) => from === instance).map(([id]) => id)
    if (ids.length === 0) return
    for (const id of ids) this.remote.delete(id)
    awarenessProtocol.removeAwarenessStates(this.awareness, ids, REMOTE_ORIGIN)
  }

  /** Publish what is still pending (the room is closing: its clients' removals must go out). */
  flush = (): void => {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.size === 0) return
    const ids = [...this.pending]
    this.pending.clear()
    this.publish(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids))
  }

  dispose(): void {
    this.awareness.off('update', this.onUpdate)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private readonly onUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    if (origin === REMOTE_ORIGIN) return
    for (const id of [...added, ...updated]) if (!this.remote.has(id)) this.pending.add(id)
    for (const id of removed) {
      // A remote state this room timed out: its own instance publishes the removal.
      if (this.remote.delete(id)) continue
      this.pending.add(id)
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(this.flush, CHANGE_WINDOW_MS)
      this.timer.unref()
    }
  }
}

/** y-protocols' awareness update layout: count, then (clientId, clock, JSON state). */
function encodeEntries(entries: AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, entries.length)
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(e, clientId)
    encoding.writeVarUint(e, clock)
    encoding.writeVarString(e, json)
  }
  return encoding.toUint8Array(e)
}
