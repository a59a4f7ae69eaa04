/**
 * SQLite's side of version history: a `versions` table beside the document
 * tables. `n` (the rowid) is the insertion order that breaks ties between
 * versions of the same millisecond; `id` is the random id callers see.
 * Authors are a JSON array. Listing selects every column but `content`, so
 * it never reads a blob.
 *
 * Files from before versions get the table on open (`IF NOT EXISTS`).
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { StoredVersion, VersionInput, VersionKind, VersionMeta } from './versionTypes.ts'

const VERSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS versions (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT,
  authors TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_doc ON versions (doc_id, created_at);
`

const META = 'id, doc_id, created_at, kind, name, authors, content_hash, bytes'

interface MetaRow {
  id: string
  doc_id: string
  created_at: number
  kind: VersionKind
  name: string | null
  authors: string
  content_hash: string
  bytes: number
}

export function migrateVersions(db: Database.Database): void {
  db.exec(VERSIONS_SCHEMA)
}

/** SQL only: the store checks the document first and flushes its appends. */
export class SqliteVersions {
  private readonly insertRow
  private readonly listRows
  private readonly getRow
  private readonly renameRow
  private readonly dropRow
  private readonly dropDoc

  private readonly db: Database.Database

  constructor(db: Database.Database) {
    this.db = db
    this.insertRow = db.prepare(
      'INSERT INTO versions (id, doc_id, created_at, kind, name, authors, content_hash, bytes, content) VALUES (@id, @docId, @createdAt, @kind, @name, @authors, @contentHash, @bytes, @content)',
    )
    this.listRows = db.prepare<[string], MetaRow>(`SELECT ${META} FROM versions WHERE doc_id = ? ORDER BY created_at DESC, n DESC`)
    this.getRow = db.prepare<[string, string], MetaRow & { content: Buffer }>(`SELECT ${META}, content FROM versions WHERE doc_id = ? AND id = ?`)
    this.renameRow = db.prepare<[string, string, string], MetaRow>(`UPDATE versions SET name = ?, kind = 'named' WHERE doc_id = ? AND id = ? RETURNING ${META}`)
    this.dropRow = db.prepare('DELETE FROM versions WHERE doc_id = ? AND id = ?')
    this.dropDoc = db.prepare('DELETE FROM versions WHERE doc_id = ?')
  }

  add(docId: string, v: VersionInput): VersionMeta {
    const meta: VersionMeta = {
      id: randomUUID(),
      docId,
      createdAt: v.createdAt,
      kind: v.kind,
      name: v.name,
      authors: [...v.authors],
      contentHash: v.contentHash,
      bytes: v.content.byteLength,
    }
    this.insertRow.run({ ...meta, authors: JSON.stringify(meta.authors), content: v.content })
    return meta
  }

  listOf(docId: string): VersionMeta[] {
    return this.listRows.all(docId).map(toMeta)
  }

  one(docId: string, versionId: string): StoredVersion | null {
    const row = this.getRow.get(docId, versionId)
    return row ? { ...toMeta(row), content: new Uint8Array(row.content) } : null
  }

  name(docId: string, versionId: string, name: string): VersionMeta | null {
    const row = this.renameRow.get(name, docId, versionId)
    return row ? toMeta(row) : null
  }

  deleteSome(docId: string, versionIds: readonly string[]): number {
    return this.db.transaction(() => versionIds.reduce((n, id) => n + this.dropRow.run(docId, id).changes, 0))()
  }

  /** Inside the caller's transaction (a document's delete). */
  forget(docId: string): void {
    this.dropDoc.run(docId)
  }
}

function toMeta(r: MetaRow): VersionMeta {
  return {
    id: r.id,
    docId: r.doc_id,
    createdAt: r.created_at,
    kind: r.kind,
    name: r.name,
    authors: JSON.parse(r.authors) as string[],
    contentHash: r.content_hash,
    bytes: r.bytes,
  }
}
