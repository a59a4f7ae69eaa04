/**
 * Group commit for a store behind the network (PostgreSQL). Like
 * `groupCommit.ts`, the appends requested during one event-loop turn go out
 * together, and each caller's promise settles only once its own updates are
 * committed (or refused).
 *
 * Unlike SQLite, a commit takes round trips, so one batch is in flight at a
 * time and whatever is requested meanwhile becomes the next batch: the
 * slower the database, the larger the batches, instead of a queue of
 * single-update commits.
 *
 * Outcomes are per request: the commit function reports an error (a deleted
 * document, or a failed statement) as the outcome of the requests it
 * concerns, and a thrown error rejects the whole batch. The store calls
 * `drain()` before any other operation on documents, so operations take
 * effect in call order (an append followed by a delete stores, then deletes).
 */
import type { AppendOutcome, AppendRequest, SummaryWrite } from './groupCommit.ts'

/** Commits `batch` and returns one outcome per request, in order. */
export type CommitBatchAsync = (batch: readonly AppendRequest[]) => Promise<AppendOutcome[]>

interface Waiting extends AppendRequest {
  resolve: (seq: number) => void
  reject: (err: Error) => void
}

interface Batch {
  requests: Waiting[]
  settled: Promise<void>
  settle: () => void
}

export class StoreClosedError extends Error {
  override name = 'StoreClosedError'
}

export class AsyncGroupCommit {
  /** Collecting this turn's requests. */
  private next: Batch | null = null
  private running: Batch | null = null
  private scheduled: NodeJS.Immediate | null = null
  private closed = false

  constructor(
    private readonly commit: CommitBatchAsync,
    /** Told the size of each committed batch (for the metrics). */
    private readonly onCommit?: (requests: number) => void,
  ) {}

  /** Queue the request for the next commit; resolves once it is committed. */
  append(id: string, updates: readonly Uint8Array[], now: number, summary?: SummaryWrite): Promise<number> {
    if (this.closed) return Promise.reject(new StoreClosedError('the store is closed'))
    return new Promise((resolve, reject) => {
      this.next ??= newBatch()
      this.next.requests.push({ id, updates, now, summary, resolve, reject })
      // While a batch is in flight, its end starts this one.
      if (!this.running) this.scheduled ??= setImmediate(this.start)
    })
  }

  /** Resolves once everything requested so far has been committed or refused. */
  async drain(): Promise<void> {
    const last = this.next ?? this.running
    if (!last) return
    if (this.next && !this.running) this.start()
    await last.settled
  }

  /** Commit what is queued, then refuse further appends. */
  async close(): Promise<void> {
    this.closed = true
    await this.drain()
  }

  private readonly start = (): void => {
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
    if (this.running || !this.next) return
    const batch = this.next
    this.next = null
    this.running = batch
    void this.run(batch).finally(() => {
      this.running = null
      batch.settle()
      if (this.next) this.start()
    })
  }

  private async run(batch: Batch): Promise<void> {
    let outcomes: AppendOutcome[]
    try {
      outcomes = await this.commit(batch.requests)
    } catch (err) {
      for (const w of batch.requests) w.reject(err as Error)
      return
    }
    this.onCommit?.(batch.requests.length)
    batch.requests.forEach((w, i) => {
      const outcome = outcomes[i]!
      if (typeof outcome === 'number') w.resolve(outcome)
      else w.reject(outcome)
    })
  }
}

function newBatch(): Batch {
  let settle!: () => void
  const settled = new Promise<void>((resolve) => (settle = resolve))
  return { requests: [], settled, settle }
}
