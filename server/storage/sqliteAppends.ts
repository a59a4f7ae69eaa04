/**
 * The SQL of a batch of appends, one transaction for the whole batch. Per
 * request (one document's updates) it runs the tombstone check and one
 * upsert of the docs row (created if missing, `updated_at` touched), then
 * one INSERT per update: 2 + N statements instead of 4 per update.
 *
 * The tombstone is checked inside the transaction rather than cached, so a
 * delete by another process is still honoured.
 */
import type Database from 'better-sqlite3'
import { DocDeletedError } from './types.ts'
import type { AppendOutcome, AppendRequest } from './groupCommit.ts'
import { SqliteSearch } from './sqliteSearch.ts'

export class SqliteAppends {
  private readonly isTombstoned
  private readonly upsertDoc
  private readonly insertUpdate
  /** Prepared once: building a transaction function per call costs as much as a statement. */
  readonly commit: (batch: readonly AppendRequest[]) => AppendOutcome[]

  /** Made on the first summary: statements on the search tables, which a bare append log (bench/) lacks. */
  private summaries: SqliteSearch | null = null

  constructor(private readonly db: Database.Database) {
    this.isTombstoned = db.prepare<[string], { id: string }>('SELECT id FROM tombstones WHERE id = ?')
    this.upsertDoc = db.prepare(
      'INSERT INTO docs (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at',
    )
    this.insertUpdate = db.prepare('INSERT INTO updates (doc_id, data) VALUES (?, ?)')
    this.commit = db.transaction((batch: readonly AppendRequest[]) => batch.map((r) => this.appendOne(r)))
  }

  private appendOne(r: AppendRequest): AppendOutcome {
    if (r.summary) {
      // A summary alone neither creates the record nor fails on a deleted one.
      (this.summaries ??= new SqliteSearch(this.db)).write(r.id, r.summary)
      if (r.updates.length === 0) return 0
    }
    // A deleted document refuses this request only; the rest of the batch commits.
    if (this.isTombstoned.get(r.id)) return new DocDeletedError(r.id)
    this.upsertDoc.run(r.id, r.now, r.now)
    let seq = 0
    for (const update of r.updates) seq = Number(this.insertUpdate.run(r.id, update).lastInsertRowid)
    return seq
  }
}
