/**
 * A room's write path to storage. Updates are appended strictly in order;
 * `write()` resolves once the update is durable, and only then does the room
 * broadcast it, so no peer ever sees a change that a crash could lose.
 * Everything queued while a write is in flight goes to storage in the next
 * one, as one `appendMany` (one transaction), and resolves together.
 *
 * When storage fails (a full disk, a read-only folder) the update stays
 * queued in memory and is retried with backoff. The room keeps serving reads
 * and refuses new writes meanwhile (`failing`), because accepting writes we
 * cannot store would only grow a queue that a crash would lose.
 */
import type { DocStore } from '../storage/types.ts'
import type { Logger } from '../log.ts'
import type { Metrics } from '../metrics/index.ts'

export interface PersistenceOptions {
  docId: string
  store: DocStore
  log: Logger
  /** Compact the log into a snapshot after this many appends. */
  compactAfterUpdates: number
  /** Returns the full document state for a snapshot. */
  snapshot: () => Uint8Array
  onHealthChange?: (failing: boolean, error: Error | null) => void
  /**
   * A batch is stored under seqs `firstSeq, firstSeq + 1, ...` (the room
   * publishes it to the other instances). Only meaningful for a store whose
   * seqs are contiguous per document (PostgreSQL), which several instances
   * require.
   */
  onStored?: (firstSeq: number, updates: Uint8Array[]) => void
  /**
   * How far a snapshot taken now may claim to cover. Alone, everything up to
   * our last stored seq is in the document; with other writers, only the
   * seqs this instance has applied (its watermark), or compaction would
   * fold away updates it never saw.
   */
  compactUpto?: () => number
  retryBaseMs?: number
  retryMaxMs?: number
  /** Write latency and errors go here. */
  metrics?: Metrics
}

interface Pending {
  update: Uint8Array
  resolve: () => void
}

export class RoomPersistence {
  private readonly queue: Pending[] = []
  private draining = false
  private lastSeq = 0
  private sinceCompaction = 0
  private compacting: Promise<void> | null = null
  private retryDelay: number
  private retryTimer: NodeJS.Timeout | null = null
  private idleWaiters: (() => void)[] = []
  private deliveredWaiters: (() => void)[] = []
  /** Updates ever queued, and how many of them are stored (they are stored in order). */
  private queuedCount = 0
  private storedCount = 0
  /** `stored()` callers, oldest first; `upto` only grows along the array. */
  private storedWaiters: { upto: number; resolve: (stored: boolean) => void }[] = []
  private disposed = false
  failing = false
  lastError: Error | null = null

  constructor(private readonly opts: PersistenceOptions) {
    this.retryDelay = opts.retryBaseMs ?? 100
  }

  /** Seed with the state read at load time. */
  loaded(lastSeq: number, updatesInLog: number): void {
    this.lastSeq = lastSeq
    this.sinceCompaction = updatesInLog
  }

  get pending(): number {
    return this.queue.length
  }

  write(update: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ update, resolve })
      this.queuedCount++
      if (!this.draining && !this.retryTimer) void this.drain()
    })
  }

  /** Resolves when every queued update is stored (waiting through failures). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.draining) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /**
   * Resolves once everything queued so far is stored, and therefore
   * broadcast (the room sends an update when its write resolves, which is
   * before this), or as soon as storage is failing, when nothing is sent
   * until it recovers (see `Room.sent`).
   */
  delivered(): Promise<void> {
    if (this.failing || (this.queue.length === 0 && !this.draining)) return Promise.resolve()
    return new Promise((resolve) => this.deliveredWaiters.push(resolve))
  }

  /**
   * Resolves true once every update queued before the call is stored. Unlike
   * `delivered`, it waits through storage failures: the room answers a
   * client's SyncStep1 only after this, and that answer is the client's
   * proof that its edits are stored (shared/collabWire.ts). It does not wait
   * for updates queued after the call, so a steady stream of writes cannot
   * hold it back. Resolves false if disposed first (the document was
   * deleted): those updates will never be stored.
   */
  stored(): Promise<boolean> {
    if (this.storedCount >= this.queuedCount) return Promise.resolve(true)
    return new Promise((resolve) => this.storedWaiters.push({ upto: this.queuedCount, resolve }))
  }

  private async drain(): Promise<void> {
    this.draining = true
    while (this.queue.length > 0) {
      // Writes that arrive meanwhile wait in the queue for the next batch.
      const batch = this.queue.slice()
      const started = performance.now()
      try {
        this.lastSeq = await this.opts.store.appendMany(this.opts.docId, batch.map((p) => p.update), Date.now())
        this.opts.metrics?.storageWriteSeconds.observe((performance.now() - started) / 1000)
      } catch (err) {
        this.opts.metrics?.storageAppendErrors.inc()
        this.draining = false
        // Destroyed meanwhile (the document was deleted): nobody to retry for.
        if (this.disposed) return
        // The whole batch stays queued, in order, for the retry.
        this.fail(err as Error)
        for (const w of this.deliveredWaiters.splice(0)) w()
        this.scheduleRetry()
        return
      }
      this.queue.splice(0, batch.length)
      if (this.opts.onStored) this.opts.onStored(this.lastSeq - batch.length + 1, batch.map((p) => p.update))
      // Updates, not batches: the log grows by one row per update.
      this.sinceCompaction += batch.length
      this.storedCount += batch.length
      if (this.failing) this.recover()
      for (const p of batch) p.resolve()
      while (this.storedWaiters.length > 0 && this.storedWaiters[0]!.upto <= this.storedCount) this.storedWaiters.shift()!.resolve(true)
    }
    this.draining = false
    for (const w of this.idleWaiters.splice(0)) w()
    for (const w of this.deliveredWaiters.splice(0)) w()
    if (this.sinceCompaction >= this.opts.compactAfterUpdates) this.scheduleCompaction()
  }

  private fail(err: Error): void {
    this.lastError = err
    if (!this.failing) {
      this.failing = true
      this.opts.log.error(`storage write failed for ${this.opts.docId}; keeping the room in memory and retrying`, err.message)
      this.opts.onHealthChange?.(true, err)
    }
  }

  private recover(): void {
    this.failing = false
    this.lastError = null
    this.retryDelay = this.opts.retryBaseMs ?? 100
    this.opts.log.info(`storage recovered for ${this.opts.docId}`)
    this.opts.onHealthChange?.(false, null)
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.drain()
    }, this.retryDelay)
    this.retryTimer.unref?.()
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.retryMaxMs ?? 5000)
  }

  private scheduleCompaction(): void {
    if (this.compacting) return
    // setImmediate: compaction encodes the whole document, so it runs after
    // the current burst of messages instead of in the middle of it.
    this.compacting = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.compact()).finally(() => {
      this.compacting = null
    })
  }

  /** Write a snapshot of the whole document and drop the log it covers. */
  async compact(): Promise<void> {
    if (this.sinceCompaction === 0 || this.failing) return
    // Everything up to lastSeq is already applied to the doc, so the
    // snapshot covers it; later appends stay in the log.
    const upto = this.opts.compactUpto?.() ?? this.lastSeq
    const counted = this.sinceCompaction
    try {
      await this.opts.store.compact(this.opts.docId, this.opts.snapshot(), upto)
      this.sinceCompaction -= counted
    } catch (err) {
      this.opts.metrics?.storageCompactErrors.inc()
      this.opts.log.warn(`compaction failed for ${this.opts.docId}; the update log is kept`, (err as Error).message)
    }
  }

  /** Store everything before the room leaves memory. */
  async flush(): Promise<void> {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer)
      this.retryTimer = null
      void this.drain()
    }
    await this.idle()
    if (this.compacting) await this.compacting
    await this.compact()
  }

  dispose(): void {
    this.disposed = true
    for (const w of this.storedWaiters.splice(0)) w.resolve(false)
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }
}
