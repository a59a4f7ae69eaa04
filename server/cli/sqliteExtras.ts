/**
 * What a SQLite data folder holds besides documents, which the DocStore
 * interface reads one id at a time but cannot list: tombstones of deleted
 * documents and revoked tokens. Read-only, straight from the tables
 * `SqliteStore` writes.
 */
import path from 'node:path'
import Database from 'better-sqlite3'

export interface Tombstone {
  id: string
  deletedAt: number
}

export interface RevokedToken {
  jti: string
  expiresAt: number
}

export interface SqliteExtras {
  tombstones: Tombstone[]
  revokedTokens: RevokedToken[]
}

export const SQLITE_FILE = 'docs.sqlite'

export function readSqliteExtras(dataDir: string): SqliteExtras {
  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true })
  try {
    const tombstones = db.prepare<[], { id: string; deleted_at: number }>('SELECT id, deleted_at FROM tombstones ORDER BY id').all()
    const revoked = db.prepare<[], { jti: string; expires_at: number }>('SELECT jti, expires_at FROM revoked_tokens ORDER BY jti').all()
    return {
      tombstones: tombstones.map((r) => ({ id: r.id, deletedAt: r.deleted_at })),
      revokedTokens: revoked.map((r) => ({ jti: r.jti, expiresAt: r.expires_at })),
    }
  } finally {
    db.close()
  }
}
