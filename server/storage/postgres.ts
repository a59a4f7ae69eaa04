/**
 * PostgreSQL storage, for several instances sharing one database. The same
 * model as SQLite: per document an append-only update log plus a snapshot
 * that compaction rewrites, and a tombstone once deleted.
 *
 * Durability: an append resolves after its commit, and the server must run
 * with synchronous_commit on (the default), so a resolved append survives a
 * crash of this process and of the database.
 *
 * Sequence numbers are per document and contiguous, taken under the
 * document's row lock (`postgresAppends.ts`). Appends are group-committed
 * (`asyncGroupCommit.ts`), and every other method on documents first waits
 * for the appends requested before it.
 *
 * Several writers: `compact` keeps the snapshot that covers the most and
 * only drops updates that snapshot covers, so an instance compacting late
 * never folds away updates it has not applied.
 *
 * The schema is migrated on first use (`postgresSchema.ts`); `open()` does
 * it at once, so a server fails at start when the database is unreachable.
 */
import pg from 'pg'
import { AsyncGroupCommit } from './asyncGroupCommit.ts'
import { postgresCommit } from './postgresAppends.ts'
import { migrate } from './postgresSchema.ts'
import { describeDatabase } from './postgresUrl.ts'
import { searchDocs } from './postgresSearch.ts'
import * as versions from './postgresVersions.ts'
import type { StoredVersion, VersionInput, VersionMeta } from './versionTypes.ts'
import { META_COLUMNS, toMeta, type MetaRow } from './metaRow.ts'
import {
  DocExistsError,
  type DocMeta,
  type DocStore,
  type DocSummaryInput,
  type LoadResult,
  type LoadSinceResult,
  type SearchHit,
  type SearchOptions,
  type StoredDoc,
} from './types.ts'

export interface PostgresStoreOptions {
  /** postgres://user:password@host:5432/dbname */
  url: string
  /** Connections in the pool. */
  poolSize?: number
  /** How long to wait for a connection before failing the operation. */
  connectTimeoutMs?: number
  /** Told about errors of idle connections (the database restarted, say); the next query reports its own. */
  onIdleError?: (err: Error) => void
  /** Told the number of appends in each group commit (metrics). */
  onCommit?: (requests: number) => void
}

export const POSTGRES_DEFAULTS = { poolSize: 10, connectTimeoutMs: 5000 } as const

/** The database could not be reached or migrated at start-up. The message names the host, never the password. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError'
}

// One snapshot for the row and its updates: a single statement sees one
// consistent state, even while another instance appends or compacts.
const LOAD = `
SELECT deleted_at IS NOT NULL AS deleted, snapshot, snapshot_seq, last_seq,
  ARRAY(SELECT seq FROM updates WHERE doc_id = $1 AND seq > GREATEST($2::bigint, docs.snapshot_seq) ORDER BY seq) AS seqs,
  ARRAY(SELECT data FROM updates WHERE doc_id = $1 AND seq > GREATEST($2::bigint, docs.snapshot_seq) ORDER BY seq) AS updates
FROM docs WHERE id = $1`

// The snapshot that covers the higher seq wins, and only updates it covers
// go. uptoSeq is capped at the counter: a snapshot cannot cover numbers not
// yet handed out. Updates committed after this statement's snapshot but
// covered by it may stay behind; load skips them and the next compaction
// drops them.
const COMPACT = `
WITH s AS (
  UPDATE docs SET
    snapshot = CASE WHEN LEAST($3::bigint, last_seq) >= snapshot_seq THEN $2::bytea ELSE snapshot END,
    snapshot_seq = GREATEST(snapshot_seq, LEAST($3::bigint, last_seq))
  WHERE id = $1 AND deleted_at IS NULL
  RETURNING snapshot_seq
)
DELETE FROM updates USING s WHERE doc_id = $1 AND seq <= s.snapshot_seq`

interface LoadRow {
  deleted: boolean
  snapshot: Buffer | null
  snapshot_seq: string
  last_seq: string
  seqs: string[]
  updates: Buffer[]
}

export class PostgresStore implements DocStore {
  private readonly pool: pg.Pool
  private readonly appends: AsyncGroupCommit
  private migrated: Promise<void> | null = null

  constructor(options: PostgresStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    })
    // Without a listener, an idle connection's error (database restarted)
    // would crash the process.
    this.pool.on('error', (err) => options.onIdleError?.(err))
    this.appends = new AsyncGroupCommit(postgresCommit(() => this.db()), options.onCommit)
  }

  /** A store whose database is reachable and migrated; fails with `StorageUnavailableError` otherwise. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options)
    try {
      await store.db()
    } catch (err) {
      await store.pool.end().catch(() => {})
      throw new StorageUnavailableError(`PostgreSQL at ${describeDatabase(options.url)} is unavailable: ${oneLine(err)}`)
    }
    return store
  }

  async create(id: string, now: number): Promise<void> {
    const db = await this.settled()
    const { rowCount } = await db.query('INSERT INTO docs (id, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT (id) DO NOTHING', [id, now])
    if (rowCount === 0) throw new DocExistsError(id)
  }

  async load(id: string): Promise<LoadResult> {
    const row = await this.loadRow(id, 0)
    if (!row) return { status: 'missing' }
    if (row.deleted) return { status: 'deleted' }
    return { status: 'found', doc: toStored(row) }
  }

  async loadSince(id: string, afterSeq: number): Promise<LoadSinceResult> {
    const row = await this.loadRow(id, afterSeq)
    if (!row) return { status: 'missing' }
    if (row.deleted) return { status: 'deleted' }
    if (Number(row.snapshot_seq) > afterSeq) return { status: 'compacted', doc: toStored(row) }
    const updates = row.updates.map((u, i) => ({ seq: Number(row.seqs[i]), update: bytes(u) }))
    return { status: 'updates', updates, lastSeq: Number(row.last_seq) }
  }

  append(id: string, update: Uint8Array, now: number): Promise<number> {
    return this.appends.append(id, [update], now)
  }

  async appendMany(id: string, updates: readonly Uint8Array[], now: number): Promise<number> {
    if (updates.length === 0) return 0
    return this.appends.append(id, updates, now)
  }

  async compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    const db = await this.settled()
    await db.query(COMPACT, [id, Buffer.from(snapshot), uptoSeq])
  }

  async lastSeqs(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map()
    const db = await this.settled()
    const { rows } = await db.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM docs WHERE id = ANY($1::text[]) AND deleted_at IS NULL', [ids])
    return new Map(rows.map((r) => [r.id, Number(r.last_seq)]))
  }

  async setTitle(id: string, title: string): Promise<void> {
    // In call order with the appends, in the same commit.
    await this.appends.append(id, [], Date.now(), { title, text: null, editedBy: null })
  }

  async setSummary(id: string, summary: DocSummaryInput): Promise<void> {
    await this.appends.append(id, [], Date.now(), summary)
  }

  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    return searchDocs(await this.settled(), query, options)
  }

  async isDeleted(id: string): Promise<boolean> {
    const db = await this.settled()
    const { rowCount } = await db.query('SELECT 1 FROM docs WHERE id = $1 AND deleted_at IS NOT NULL', [id])
    return rowCount === 1
  }

  async list(): Promise<DocMeta[]> {
    const db = await this.settled()
    const { rows } = await db.query<MetaRow>(`SELECT ${META_COLUMNS} FROM docs WHERE deleted_at IS NULL ORDER BY updated_at DESC`)
    return rows.map(toMeta)
  }

  async meta(id: string): Promise<DocMeta | null> {
    const db = await this.settled()
    const { rows } = await db.query<MetaRow>(`SELECT ${META_COLUMNS} FROM docs WHERE id = $1 AND deleted_at IS NULL`, [id])
    return rows[0] ? toMeta(rows[0]) : null
  }

  async delete(id: string): Promise<boolean> {
    const db = await this.settled()
    const client = await db.connect()
    try {
      await client.query('BEGIN')
      // The row lock first: appends queue behind it and then see the tombstone.
      const { rowCount } = await client.query("UPDATE docs SET deleted_at = $2, snapshot = NULL, title = '', edited_by = NULL WHERE id = $1 AND deleted_at IS NULL", [id, Date.now()])
      // A statement of its own, so it sees updates committed while we waited for the lock.
      if (rowCount) await client.query('DELETE FROM updates WHERE doc_id = $1', [id])
      if (rowCount) await client.query('DELETE FROM doc_text WHERE id = $1', [id])
      if (rowCount) await client.query('DELETE FROM versions WHERE doc_id = $1', [id])
      await client.query('COMMIT')
      client.release()
      return rowCount === 1
    } catch (err) {
      client.release(err as Error)
      throw err
    }
  }

  async addVersion(docId: string, v: VersionInput): Promise<VersionMeta> {
    // Settled first: the document may exist only in an append still queued.
    return versions.addVersion(await this.settled(), docId, v)
  }

  async listVersions(docId: string): Promise<VersionMeta[]> {
    return versions.listVersions(await this.db(), docId)
  }

  async getVersion(docId: string, versionId: string): Promise<StoredVersion | null> {
    return versions.getVersion(await this.db(), docId, versionId)
  }

  async nameVersion(docId: string, versionId: string, name: string): Promise<VersionMeta | null> {
    return versions.nameVersion(await this.db(), docId, versionId, name)
  }

  async deleteVersions(docId: string, versionIds: readonly string[]): Promise<number> {
    return versions.deleteVersions(await this.db(), docId, versionIds)
  }

  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    const db = await this.db()
    // Expired tokens are refused anyway, so their revocations can go.
    await db.query('DELETE FROM revoked_tokens WHERE expires_at < $1', [Date.now()])
    await db.query('INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at', [jti, expiresAt])
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    const db = await this.db()
    const { rowCount } = await db.query('SELECT 1 FROM revoked_tokens WHERE jti = $1', [jti])
    return rowCount === 1
  }

  async revokedAmong(jtis: readonly string[]): Promise<Set<string>> {
    if (jtis.length === 0) return new Set()
    const db = await this.db()
    const { rows } = await db.query<{ jti: string }>('SELECT jti FROM revoked_tokens WHERE jti = ANY($1::text[])', [jtis])
    return new Set(rows.map((r) => r.jti))
  }

  async claimClientId(docId: string, clientId: number): Promise<boolean> {
    const db = await this.db()
    const { rowCount } = await db.query(
      'INSERT INTO server_clients (doc_id, client_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [docId, clientId, Date.now()],
    )
    return rowCount === 1
  }

  async releaseClientId(docId: string, clientId: number): Promise<void> {
    const db = await this.db()
    await db.query('DELETE FROM server_clients WHERE doc_id = $1 AND client_id = $2', [docId, clientId])
  }

  async ping(): Promise<void> {
    const db = await this.settled()
    await db.query('SELECT 1')
  }

  async close(): Promise<void> {
    // Commit what is queued rather than fail it; later appends are refused.
    await this.appends.close()
    if (!this.pool.ended) await this.pool.end()
  }

  /** The pool, once the schema is in place. A failed attempt is forgotten, so the next operation tries again. */
  private db(): Promise<pg.Pool> {
    this.migrated ??= migrate(this.pool).catch((err: unknown) => {
      this.migrated = null
      throw err
    })
    return this.migrated.then(() => this.pool)
  }

  /** The pool, after the appends requested before this call. */
  private async settled(): Promise<pg.Pool> {
    await this.appends.drain()
    return this.db()
  }

  private async loadRow(id: string, afterSeq: number): Promise<LoadRow | null> {
    const db = await this.settled()
    const { rows } = await db.query<LoadRow>(LOAD, [id, afterSeq])
    return rows[0] ?? null
  }
}

/** A connection error in one line. Node reports a host with several addresses as an AggregateError with an empty message. */
function oneLine(err: unknown): string {
  const e = err as Error & { code?: string; errors?: Error[] }
  const text = e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(err)
  return text.replace(/\s*\n\s*/g, ' ')
}

function toStored(row: LoadRow): StoredDoc {
  return { snapshot: row.snapshot ? bytes(row.snapshot) : null, updates: row.updates.map(bytes), lastSeq: Number(row.last_seq) }
}

/** A plain Uint8Array view, as the other stores return (Buffer is a subclass with other equality in tests). */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
