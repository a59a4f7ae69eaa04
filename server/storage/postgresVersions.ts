/**
 * PostgreSQL's side of version history (table `versions`, migration 4).
 * `n` is the insertion order that breaks ties between versions of the same
 * millisecond; `id` is the random id callers see. Listing selects every
 * column but `content`, so it never reads a blob.
 *
 * A deleted document keeps its `docs` row as the tombstone, so ON DELETE
 * CASCADE never fires for it: the store's `delete` removes the versions.
 * `addVersion` takes a share lock on the document's row, which orders it
 * against that delete (which locks the row first): either the version is
 * in before the delete's own DELETE statement runs, or the insert waits,
 * sees the tombstone, and inserts nothing.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { DocDeletedError } from './types.ts'
import { DocMissingError, type StoredVersion, type VersionInput, type VersionKind, type VersionMeta } from './versionTypes.ts'

const META = 'id, doc_id, created_at, kind, name, authors, content_hash, bytes'

const INSERT = `
INSERT INTO versions (id, doc_id, created_at, kind, name, authors, content_hash, bytes, content)
SELECT $1, d.id, $3, $4, $5, $6::text[], $7, $8, $9 FROM docs d WHERE d.id = $2 AND d.deleted_at IS NULL FOR SHARE`

interface MetaRow {
  id: string
  doc_id: string
  created_at: string
  kind: VersionKind
  name: string | null
  authors: string[]
  content_hash: string
  bytes: number
}

export async function addVersion(db: pg.Pool, docId: string, v: VersionInput): Promise<VersionMeta> {
  const meta: VersionMeta = {
    id: randomUUID(),
    docId,
    createdAt: v.createdAt,
    kind: v.kind,
    name: v.name === null ? null : noNul(v.name),
    authors: v.authors.map(noNul),
    contentHash: noNul(v.contentHash),
    bytes: v.content.byteLength,
  }
  const { rowCount } = await db.query(INSERT, [meta.id, docId, meta.createdAt, meta.kind, meta.name, meta.authors, meta.contentHash, meta.bytes, Buffer.from(v.content)])
  if (rowCount === 1) return meta
  const { rows } = await db.query<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM docs WHERE id = $1', [docId])
  if (rows[0]?.deleted) throw new DocDeletedError(docId)
  throw new DocMissingError(docId)
}

export async function listVersions(db: pg.Pool, docId: string): Promise<VersionMeta[]> {
  const { rows } = await db.query<MetaRow>(`SELECT ${META} FROM versions WHERE doc_id = $1 ORDER BY created_at DESC, n DESC`, [docId])
  return rows.map(toMeta)
}

export async function getVersion(db: pg.Pool, docId: string, versionId: string): Promise<StoredVersion | null> {
  const { rows } = await db.query<MetaRow & { content: Buffer }>(`SELECT ${META}, content FROM versions WHERE doc_id = $1 AND id = $2`, [docId, versionId])
  const row = rows[0]
  if (!row) return null
  // A plain Uint8Array, as the other stores return (Buffer compares differently in tests).
  return { ...toMeta(row), content: new Uint8Array(row.content.buffer, row.content.byteOffset, row.content.byteLength) }
}

export async function nameVersion(db: pg.Pool, docId: string, versionId: string, name: string): Promise<VersionMeta | null> {
  const { rows } = await db.query<MetaRow>(`UPDATE versions SET name = $3, kind = 'named' WHERE doc_id = $1 AND id = $2 RETURNING ${META}`, [
    docId,
    versionId,
    noNul(name),
  ])
  return rows[0] ? toMeta(rows[0]) : null
}

export async function deleteVersions(db: pg.Pool, docId: string, versionIds: readonly string[]): Promise<number> {
  if (versionIds.length === 0) return 0
  const { rowCount } = await db.query('DELETE FROM versions WHERE doc_id = $1 AND id = ANY($2::text[])', [docId, versionIds])
  return rowCount ?? 0
}

function toMeta(r: MetaRow): VersionMeta {
  return {
    id: r.id,
    docId: r.doc_id,
    createdAt: Number(r.created_at),
    kind: r.kind,
    name: r.name,
    authors: r.authors,
    contentHash: r.content_hash,
    bytes: Number(r.bytes),
  }
}

/** PostgreSQL text cannot hold NUL; a display name with one would fail the statement. */
function noNul(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '') : s
}
