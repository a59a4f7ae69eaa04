/**
 * The SQL of a batch of appends on PostgreSQL: one statement per document,
 * the documents in parallel on the pool. A statement is its own transaction,
 * so each document's requests in the batch are stored all or none, and one
 * document's failure is that document's alone.
 *
 * The statement takes the document's row lock by bumping `docs.last_seq`
 * (creating the row if it is missing), and inserts the updates under the
 * numbers it took. Two instances appending to one document therefore queue
 * on that lock: sequence numbers follow commit order with no gaps, which is
 * what lets the bus notice a missed message. The bump is refused when the
 * row is a tombstone (`deleted_at`), so a delete and a racing append are
 * ordered by the same lock and the append fails.
 *
 * Updates travel as one bytea[] parameter (hex text, twice their size on
 * the wire) so a batch of any length is one statement.
 */
import type pg from 'pg'
import { DocDeletedError } from './types.ts'
import type { AppendOutcome, AppendRequest } from './groupCommit.ts'
import { latestSummary, storeSummary } from './postgresSearch.ts'

const APPEND = `
WITH counter AS (
  INSERT INTO docs AS d (id, created_at, updated_at, last_seq)
  VALUES ($1, $2, $3, $4::bigint)
  ON CONFLICT (id) DO UPDATE
    SET last_seq = d.last_seq + excluded.last_seq, updated_at = excluded.updated_at
    WHERE d.deleted_at IS NULL
  RETURNING last_seq
), inserted AS (
  INSERT INTO updates (doc_id, seq, data)
  SELECT $1, counter.last_seq - $4::bigint + u.ord, u.data
  FROM counter, unnest($5::bytea[]) WITH ORDINALITY AS u(data, ord)
)
SELECT last_seq FROM counter`

/** Commits a batch; never throws: a failed document's requests get its error as their outcome. */
export function postgresCommit(pool: () => Promise<pg.Pool>): (batch: readonly AppendRequest[]) => Promise<AppendOutcome[]> {
  return async (batch) => {
    const outcomes: AppendOutcome[] = new Array(batch.length)
    const byDoc = new Map<string, number[]>()
    batch.forEach((r, i) => {
      const list = byDoc.get(r.id)
      if (list) list.push(i)
      else byDoc.set(r.id, [i])
    })
    let db: pg.Pool
    try {
      db = await pool()
    } catch (err) {
      return batch.map(() => err as Error)
    }
    await Promise.all(
      [...byDoc].map(async ([id, indexes]) => {
        const requests = indexes.map((i) => batch[i]!)
        try {
          const seqs = await appendDoc(db, id, requests)
          indexes.forEach((batchIndex, j) => (outcomes[batchIndex] = seqs[j]!))
        } catch (err) {
          for (const i of indexes) outcomes[i] = err as Error
        }
      }),
    )
    return outcomes
  }
}

/**
 * One document's requests, in call order; resolves with each request's
 * outcome. The updates go first, in one statement; a summary (about once a
 * second) follows in its own, so the text index is never rebuilt by an
 * append, and a failed summary fails only the summary's requests.
 */
async function appendDoc(db: pg.Pool, id: string, requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
  const outcomes: AppendOutcome[] = requests.map(() => 0)
  const writes = requests.filter((r) => r.updates.length > 0)
  if (writes.length > 0) {
    // Copies: the query is serialised later, and callers may reuse their buffers.
    const data = writes.flatMap((r) => r.updates.map((u) => Buffer.from(u)))
    const { rows } = await db.query<{ last_seq: string }>(APPEND, [id, writes[0]!.now, writes.at(-1)!.now, data.length, data])
    let seq = Number(rows[0]?.last_seq ?? 0) - data.length
    requests.forEach((r, i) => {
      if (r.updates.length === 0) return
      // No row back: tombstoned, the updates are refused.
      seq += r.updates.length
      outcomes[i] = rows.length === 0 ? new DocDeletedError(id) : seq
    })
  }
  const summary = latestSummary(requests)
  if (summary) {
    try {
      await storeSummary(db, id, summary)
    } catch (err) {
      requests.forEach((r, i) => {
        if (r.summary) outcomes[i] = err as Error
      })
    }
  }
  return outcomes
}
