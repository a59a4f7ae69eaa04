/**
 * A room's answers to SyncStep1, each held until every update the room had
 * received before it is stored. The client's save probe depends on this: it
 * sends a SyncStep1 after its edits and shows "Saved" when the answer comes
 * (shared/collabWire.ts). Answered from memory at once, the answer would
 * claim "Saved" for edits still waiting for the group commit, which a crash
 * then loses.
 *
 * The answer is encoded when its SyncStep1 arrives, so it carries nothing
 * received later, and therefore nothing that is not stored when it leaves.
 * Answers on one connection leave in the order their SyncStep1s came; an
 * answer whose connection or room closed meanwhile is dropped.
 *
 * A fresh client (empty state vector) has no edits to prove stored, so its
 * answer need not wait for storage, only for earlier answers on its
 * connection. That keeps a room readable while its storage fails.
 */
import type { Connection } from './connection.ts'

/** The part of RoomPersistence this needs. */
export interface StoredSignal {
  /** Updates queued and not yet stored. */
  readonly pending: number
  /** True once everything queued before the call is stored; false if it never will be. */
  stored(): Promise<boolean>
}

export class StoredAnswers {
  /** Per connection, its last answer still waiting. */
  private readonly waiting = new Map<Connection, Promise<void>>()
  private disposed = false

  constructor(private readonly storage: StoredSignal) {}

  /** Send `frame` to `conn` once everything received before this call is stored. */
  whenStored(conn: Connection, frame: Uint8Array): void {
    this.send(conn, frame, true)
  }

  /** Send `frame` to `conn` now, or after the answers still waiting on it. */
  inOrder(conn: Connection, frame: Uint8Array): void {
    this.send(conn, frame, false)
  }

  private send(conn: Connection, frame: Uint8Array, waitForStorage: boolean): void {
    const earlier = this.waiting.get(conn)
    // The common case: nothing waits for storage, nothing to overtake.
    if (!earlier && (!waitForStorage || this.storage.pending === 0)) {
      conn.send(frame)
      return
    }
    // Asked now, not after `earlier`: later writes must not delay this one.
    const stored = waitForStorage ? this.storage.stored() : true
    const answer: Promise<void> = Promise.all([stored, earlier]).then(([ok]) => {
      if (this.waiting.get(conn) === answer) this.waiting.delete(conn)
      if (ok && !this.disposed && !conn.closed) conn.send(frame)
    })
    this.waiting.set(conn, answer)
  }

  /** The connection left: its answers are dropped (it is closed, so they would be anyway). */
  forget(conn: Connection): void {
    this.waiting.delete(conn)
  }

  dispose(): void {
    this.disposed = true
    this.waiting.clear()
  }
}
