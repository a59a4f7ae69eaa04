/**
 * The bus between instances: how one instance tells the others about a
 * document's updates and carets, and about cluster-wide events (a revoked
 * token, a deleted document, an instance that is alive or leaving, a command
 * for an AI job running elsewhere).
 *
 * The bus is only the fast path. Every update is stored (PostgreSQL) before
 * it is published, and the store is the truth: a message may be lost,
 * duplicated or reordered, and the bus says nothing about it except through
 * its status. So update messages carry their store sequence numbers, and
 * instances announce their heads now and then; a receiver that sees a gap, or
 * hears `reconnected`, reads what it lacks from the store.
 *
 * Promises the contract suite (tests/bus/contract.ts) holds every
 * implementation to:
 *   - delivery only to *other* instances: a bus never hands an instance its
 *     own messages (it already applied them), on document and control alike;
 *   - per-document isolation, and one publisher's messages arrive in the
 *     order it published them (as long as none is lost);
 *   - payloads byte-exact, whatever their size;
 *   - `publish` never throws and never waits: while the bus is down messages
 *     are dropped and counted (`stats().dropped`), never queued, so an outage
 *     costs no memory;
 *   - after `reconnected`, every subscription made before or during the
 *     outage is live again without anyone asking.
 *
 * Bounded memory: pub/sub only. Nothing the bus does creates a Redis key or
 * stream, so nothing on the server grows with documents or time; a message
 * nobody is subscribed to is gone.
 *
 * Changes from the first sketch, and why:
 *   - `subscribe` returns a `Subscription` with `ready`, not a bare function.
 *     A room must know when its subscription is live before it reads the
 *     store, or an update published between its read and its subscription
 *     would be missed until the next edit (or the next heads).
 *   - The sender arrives as the handler's second argument, `from`, instead of
 *     a field every publisher must fill in; the bus knows its own id.
 *   - An update message carries a run of consecutive updates (`firstSeq` and
 *     `updates`), matching `DocStore.appendMany`: a room publishes what it
 *     stored in one write as one message, unmerged.
 *   - The heartbeat carries no timestamp: clocks differ between machines, so
 *     a receiver times an instance's silence by its own clock.
 */

/** Unique per process start (random), so a restarted instance is a new one. */
export type InstanceId = string

/** A document's traffic, on that document's channel. */
export type DocMessage =
  /** Stored updates `firstSeq, firstSeq + 1, ...`, in store order. */
  | { type: 'update'; firstSeq: number; updates: Uint8Array[] }
  /** A y-protocols awareness update (carets, names) from the sender's clients. */
  | { type: 'awareness'; update: Uint8Array }
  /** The sender asks every instance for all its clients' awareness states. */
  | { type: 'awareness-query' }
  /** The sender's newest stored seq; sent when idle, so a lost last update is noticed. */
  | { type: 'heads'; lastSeq: number }

export type AiCommand = 'cancel' | 'accept' | 'discard'

/** Cluster-wide events, on the one control channel. */
export type ControlMessage =
  /** A token was revoked: close its sockets. */
  | { type: 'revoked'; jti: string }
  /** A document was deleted: close its sockets (4410) and unload it. */
  | { type: 'deleted'; docId: string }
  /** A version of the document is being restored: stop its AI jobs (they would write into a document their prompt never saw). */
  | { type: 'restoring'; docId: string }
  /** Every instance's answer to `restoring`: its jobs in the document (these, maybe none) have ended, and all they wrote is stored and published. */
  | { type: 'ai-stopped'; docId: string; jobIds: string[] }
  /** The sender is alive; an instance silent for a few periods is dead (drop its carets). */
  | { type: 'instance-heartbeat' }
  /** The sender is shutting down: drop its carets now instead of after the timeout. */
  | { type: 'instance-leaving' }
  /** A request for the instance running `jobId`; the others ignore it. */
  | { type: 'ai-command'; jobId: string; command: AiCommand }
  /**
   * The sender's open sockets per document (documents with none left out),
   * the whole set each time: it replaces what the sender said before. For
   * the cluster-wide per-document connection limit.
   */
  | { type: 'doc-connections'; counts: DocConnectionCount[] }

export interface DocConnectionCount {
  docId: string
  count: number
}

export type BusStatus = 'up' | 'down'

/**
 * `down`: messages are being dropped from now on. `reconnected`: the bus is
 * up again and every subscription is live; anything published meanwhile may
 * be lost, so re-check each document's heads against the store now.
 */
export type BusStatusChange = 'down' | 'reconnected'

export interface Subscription {
  /**
   * Resolves once messages published from now on will be delivered, or at
   * once if the bus is down (then `reconnected` follows when it is live).
   * Never rejects.
   */
  readonly ready: Promise<void>
  /** Stop delivery to this handler. Idempotent. */
  close(): void
}

export interface BusStats {
  published: number
  delivered: number
  /** Published while down (or over the in-flight limit), so never sent. */
  dropped: number
  /** Arrived but undecodable (corrupt, or from a newer version during a rolling deploy). */
  malformed: number
}

export interface Bus {
  readonly instanceId: InstanceId
  /** Best effort, fire and forget: never throws, never blocks. */
  publish(docId: string, message: DocMessage): void
  subscribe(docId: string, onMessage: (message: DocMessage, from: InstanceId) => void): Subscription
  publishControl(message: ControlMessage): void
  subscribeControl(onMessage: (message: ControlMessage, from: InstanceId) => void): Subscription
  status(): BusStatus
  /** Returns a function that removes the listener. */
  onStatus(listener: (change: BusStatusChange) => void): () => void
  /**
   * The time this instance's heartbeat took through the bus and back to its
   * own subscription: the relay latency, measured on one clock (instances'
   * clocks differ, so a timestamp read by another instance would not do).
   * Redis delivers a publisher's messages to its own subscription too; the
   * memory hub does not, so there it never fires. Returns a function that
   * removes the listener.
   */
  onRelayTime(listener: (seconds: number) => void): () => void
  stats(): Readonly<BusStats>
  /** Unsubscribes everything and disconnects; later publishes are dropped. */
  close(): Promise<void>
}
