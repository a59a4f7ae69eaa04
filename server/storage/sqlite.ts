/**
 * SQLite storage: one file, WAL mode, an append-only update log per document
 * plus a snapshot that compaction rewrites.
 *
 * Durability: in WAL mode a committed transaction survives a process crash
 * (kill -9) with synchronous=NORMAL, because the WAL write reached the OS
 * before commit returned. FULL also survives power loss, at an fsync per
 * commit. See SQLITE_SYNCHRONOUS in the README.
 *
 * Appends are group-committed: all appends of one event-loop turn share one
 * transaction (`groupCommit.ts`, SQL in `sqliteAppends.ts`), and each resolves
 * after that commit. Every other method on documents first commits what is
 * queued, so operations still take effect in call order.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { GroupCommit } from './groupCommit.ts'
import { LocalClaims } from './localClaims.ts'
import { SqliteAppends } from './sqliteAppends.ts'
import { SqliteSearch } from './sqliteSearch.ts'
import { migrateSqlite, refuseNewerSchema } from './sqliteSchema.ts'
import { SqliteVersions } from './sqliteVersions.ts'
import { DocMissingError, type StoredVersion, type VersionInput, type VersionMeta } from './versionTypes.ts'
import { META_COLUMNS, toMeta, type MetaRow } from './metaRow.ts'
import {
  DocDeletedError,
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

export interface SqliteStoreOptions {
  /** Folder for `docs.sqlite`; created if missing. */
  dataDir: string
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA'
  /** Told the number of appends in each group commit (metrics). */
  onCommit?: (requests: number) => void
}

export class SqliteStore implements DocStore {
  private readonly claims = new LocalClaims()
  private readonly db: Database.Database
  private readonly stmt
  private readonly appends: GroupCommit
  private readonly index: SqliteSearch
  private readonly versions: SqliteVersions

  constructor(options: SqliteStoreOptions) {
    fs.mkdirSync(options.dataDir, { recursive: true })
    const file = path.join(options.dataDir, 'docs.sqlite')
    refuseNewerSchema(file)
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
    this.db.pragma('busy_timeout = 5000')
    try {
      migrateSqlite(this.db, file)
    } catch (err) {
      this.db.close()
      throw err
    }
    const db = this.db
    this.stmt = {
      insertDoc: db.prepare('INSERT INTO docs (id, created_at, updated_at) VALUES (?, ?, ?)'),
      hasDoc: db.prepare<[string], { id: string }>('SELECT id FROM docs WHERE id = ?'),
      getDoc: db.prepare<[string], { snapshot: Buffer | null; snapshot_seq: number }>('SELECT snapshot, snapshot_seq FROM docs WHERE id = ?'),
      getUpdates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE doc_id = ? ORDER BY seq'),
      getUpdatesSince: db.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE doc_id = ? AND seq > ? ORDER BY seq'),
      lastUpdateSeq: db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM updates WHERE doc_id = ?'),
      lastSeq: db.prepare<[string], { seq: number }>(
        'SELECT max(snapshot_seq, coalesce((SELECT max(seq) FROM updates WHERE doc_id = docs.id), 0)) AS seq FROM docs WHERE id = ?',
      ),
      // A late, older snapshot must not replace a newer one.
      setSnapshot: db.prepare('UPDATE docs SET snapshot = ?, snapshot_seq = ? WHERE id = ? AND snapshot_seq <= ?'),
      snapshotSeq: db.prepare<[string], { snapshot_seq: number }>('SELECT snapshot_seq FROM docs WHERE id = ?'),
      dropUpdates: db.prepare('DELETE FROM updates WHERE doc_id = ? AND seq <= ?'),
      list: db.prepare<[], MetaRow>(`SELECT ${META_COLUMNS} FROM docs ORDER BY updated_at DESC`),
      meta: db.prepare<[string], MetaRow>(`SELECT ${META_COLUMNS} FROM docs WHERE id = ?`),
      isTombstoned: db.prepare<[string], { id: string }>('SELECT id FROM tombstones WHERE id = ?'),
      deleteDoc: db.prepare('DELETE FROM docs WHERE id = ?'),
      deleteUpdates: db.prepare('DELETE FROM updates WHERE doc_id = ?'),
      addTombstone: db.prepare('INSERT OR REPLACE INTO tombstones (id, deleted_at) VALUES (?, ?)'),
      revoke: db.prepare('INSERT OR REPLACE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)'),
      isRevoked: db.prepare<[string], { jti: string }>('SELECT jti FROM revoked_tokens WHERE jti = ?'),
      dropExpiredRevocations: db.prepare('DELETE FROM revoked_tokens WHERE expires_at < ?'),
    }
    this.index = new SqliteSearch(db)
    this.versions = new SqliteVersions(db)
    this.appends = new GroupCommit(new SqliteAppends(db).commit, options.onCommit)
  }

  async create(id: string, now: number): Promise<void> {
    this.appends.flush()
    if (this.stmt.isTombstoned.get(id)) throw new DocExistsError(id)
    try {
      this.stmt.insertDoc.run(id, now, now)
    } catch (err) {
      if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DocExistsError(id)
      throw err
    }
  }

  async load(id: string): Promise<LoadResult> {
    this.appends.flush()
    return this.db.transaction((): LoadResult => {
      if (this.stmt.isTombstoned.get(id)) return { status: 'deleted' }
      const row = this.stmt.getDoc.get(id)
      if (!row) return { status: 'missing' }
      return { status: 'found', doc: this.stored(id, row) }
    })()
  }

  async loadSince(id: string, afterSeq: number): Promise<LoadSinceResult> {
    this.appends.flush()
    return this.db.transaction((): LoadSinceResult => {
      if (this.stmt.isTombstoned.get(id)) return { status: 'deleted' }
      const row = this.stmt.getDoc.get(id)
      if (!row) return { status: 'missing' }
      if (row.snapshot_seq > afterSeq) return { status: 'compacted', doc: this.stored(id, row) }
      const updates = this.stmt.getUpdatesSince.all(id, afterSeq).map((r) => ({ seq: r.seq, update: new Uint8Array(r.data) }))
      const lastSeq = updates.at(-1)?.seq ?? Math.max(row.snapshot_seq, this.stmt.lastUpdateSeq.get(id)?.seq ?? 0)
      return { status: 'updates', updates, lastSeq }
    })()
  }

  async lastSeqs(ids: readonly string[]): Promise<Map<string, number>> {
    this.appends.flush()
    return this.db.transaction(() => {
      const seqs = new Map<string, number>()
      for (const id of ids) {
        const row = this.stmt.lastSeq.get(id)
        if (row) seqs.set(id, row.seq)
      }
      return seqs
    })()
  }

  private stored(id: string, row: { snapshot: Buffer | null; snapshot_seq: number }): StoredDoc {
    const rows = this.stmt.getUpdates.all(id)
    return {
      snapshot: row.snapshot ? new Uint8Array(row.snapshot) : null,
      updates: rows.map((r) => new Uint8Array(r.data)),
      lastSeq: rows.at(-1)?.seq ?? row.snapshot_seq,
    }
  }

  append(id: string, update: Uint8Array, now: number): Promise<number> {
    return this.appends.append(id, [update], now)
  }

  async appendMany(id: string, updates: readonly Uint8Array[], now: number): Promise<number> {
    if (updates.length === 0) return 0
    return this.appends.append(id, updates, now)
  }

  async compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    this.appends.flush()
    this.db.transaction(() => {
      this.stmt.setSnapshot.run(snapshot, uptoSeq, id, uptoSeq)
      const covered = this.stmt.snapshotSeq.get(id)?.snapshot_seq ?? uptoSeq
      this.stmt.dropUpdates.run(id, Math.max(covered, uptoSeq))
    })()
  }

  async setTitle(id: string, title: string): Promise<void> {
    // In call order with the appends, in the same commit.
    await this.appends.append(id, [], Date.now(), { title, text: null, editedBy: null })
  }

  async setSummary(id: string, summary: DocSummaryInput): Promise<void> {
    await this.appends.append(id, [], Date.now(), summary)
  }

  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    this.appends.flush()
    return this.index.search(query, options)
  }

  async isDeleted(id: string): Promise<boolean> {
    this.appends.flush()
    return this.stmt.isTombstoned.get(id) !== undefined
  }

  async list(): Promise<DocMeta[]> {
    this.appends.flush()
    return this.stmt.list.all().map(toMeta)
  }

  async meta(id: string): Promise<DocMeta | null> {
    this.appends.flush()
    const row = this.stmt.meta.get(id)
    return row ? toMeta(row) : null
  }

  async delete(id: string): Promise<boolean> {
    this.appends.flush()
    return this.db.transaction(() => {
      const existed = this.stmt.deleteDoc.run(id).changes > 0
      this.stmt.deleteUpdates.run(id)
      this.index.forget(id)
      this.versions.forget(id)
      if (existed) this.stmt.addTombstone.run(id, Date.now())
      return existed
    })()
  }

  async addVersion(docId: string, v: VersionInput): Promise<VersionMeta> {
    // Flushed first: the document may exist only in an append still queued.
    this.appends.flush()
    return this.db.transaction(() => {
      if (this.stmt.isTombstoned.get(docId)) throw new DocDeletedError(docId)
      if (!this.stmt.hasDoc.get(docId)) throw new DocMissingError(docId)
      return this.versions.add(docId, v)
    })()
  }

  async listVersions(docId: string): Promise<VersionMeta[]> {
    return this.versions.listOf(docId)
  }

  async getVersion(docId: string, versionId: string): Promise<StoredVersion | null> {
    return this.versions.one(docId, versionId)
  }

  async nameVersion(docId: string, versionId: string, name: string): Promise<VersionMeta | null> {
    return this.versions.name(docId, versionId, name)
  }

  async deleteVersions(docId: string, versionIds: readonly string[]): Promise<number> {
    return this.versions.deleteSome(docId, versionIds)
  }

  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    // Expired tokens are refused anyway, so their revocations can go.
    this.stmt.dropExpiredRevocations.run(Date.now())
    this.stmt.revoke.run(jti, expiresAt)
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    return this.stmt.isRevoked.get(jti) !== undefined
  }

  async revokedAmong(jtis: readonly string[]): Promise<Set<string>> {
    return new Set(jtis.filter((jti) => this.stmt.isRevoked.get(jti) !== undefined))
  }

  async claimClientId(docId: string, clientId: number): Promise<boolean> {
    return this.claims.claim(docId, clientId)
  }

  async releaseClientId(docId: string, clientId: number): Promise<void> {
    this.claims.release(docId, clientId)
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    // Commit what is queued rather than fail it; later appends are refused.
    if (this.db.open) this.appends.flush()
    if (this.db.open) this.db.close()
  }
}
