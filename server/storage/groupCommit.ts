/**
 * Group commit: the appends requested during one event-loop turn, from every
 * room, are committed together in one transaction on `setImmediate`, so there
 * is one WAL commit (and with synchronous=FULL one fsync) per turn instead of
 * one per update. setImmediate runs after the poll phase, so everything the
 * sockets delivered in this turn joins the same batch; the wait it adds is
 * the rest of that turn.
 *
 * Durability is unchanged: each caller's promise settles only after the
 * transaction holding its updates has committed (or failed).
 *
 * Failure: if the transaction throws, it was rolled back and every caller in
 * the batch is rejected with that error; each room keeps its updates queued
 * and retries on its own. Such errors belong to the storage, not to one
 * request (disk full, read-only, I/O, lock timeout): an update is a blob row
 * with no constraint it could break, and MAX_MESSAGE_BYTES keeps it below
 * SQLite's blob limit. What does belong to one request, a deleted document,
 * `commit` reports as that request's outcome, and only that caller fails.
 */

export interface AppendRequest {
  id: string
  updates: readonly Uint8Array[]
  now: number
  /**
   * A new summary (title, search text, last editor) for the document, stored
   * in the same commit. Rooms store it about once a second while someone
   * types; as a transaction of its own it would also cut every batch short.
   */
  summary?: SummaryWrite
}

/** A summary to store; a null field keeps the stored value (`setTitle` sends only a title). */
export interface SummaryWrite {
  title: string
  text: string | null
  editedBy: string | null
}

/** The sequence number of the request's last update, or the error that refused this request alone. */
export type AppendOutcome = number | Error

/** Runs one transaction over `batch` (in order) and returns one outcome per request; throws if it rolled back. */
export type CommitBatch = (batch: readonly AppendRequest[]) => AppendOutcome[]

interface Waiting extends AppendRequest {
  resolve: (seq: number) => void
  reject: (err: Error) => void
}

export class GroupCommit {
  private queue: Waiting[] = []
  private scheduled: NodeJS.Immediate | null = null

  constructor(
    private readonly commit: CommitBatch,
    /** Told the size of each committed batch (for the metrics). */
    private readonly onCommit?: (requests: number) => void,
  ) {}

  /** Queue the request for this turn's commit; resolves once it is committed. */
  append(id: string, updates: readonly Uint8Array[], now: number, summary?: SummaryWrite): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, updates, now, summary, resolve, reject })
      this.scheduled ??= setImmediate(this.flush)
    })
  }

  /**
   * Commit what is queued now. The store calls this before any other
   * operation on documents, so operations still take effect in call order
   * (an append followed by a delete stores, then deletes).
   */
  readonly flush = (): void => {
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
    if (this.queue.length === 0) return
    const batch = this.queue
    this.queue = []
    let outcomes: AppendOutcome[]
    try {
      outcomes = this.commit(batch)
    } catch (err) {
      for (const w of batch) w.reject(err as Error)
      return
    }
    this.onCommit?.(batch.length)
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!
      if (typeof outcome === 'number') batch[i]!.resolve(outcome)
      else batch[i]!.reject(outcome)
    }
  }
}
