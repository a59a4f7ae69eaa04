/**
 * The SQLite schema's version, kept in the file's `PRAGMA user_version`, and
 * the migrations that bring an older file up to it.
 *
 * All missing migrations run in one IMMEDIATE transaction together with the
 * new version number, so a crash or a failed step leaves the file as it was,
 * never between versions. A file from a newer version of this server is
 * refused before it is opened for writing: an older server could write what
 * the newer one no longer reads. The refusal reads the file's header
 * (`schemaVersionOf`), because even a read-only connection leaves -wal and
 * -shm files behind in the folder.
 *
 * Migrations 1-3 are the schema as it grew before files recorded a version,
 * so a file at version 0 may be at any of them. They are written to run
 * again safely (IF NOT EXISTS, column checks), and a file at version 3 or
 * lower runs all three: at 3 nothing later has run yet, so that costs
 * nothing and puts back a table lost from the file. From 4 on, each runs
 * once, by number. Never edit a migration that has shipped: add the next.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { migrateSearch, migrateSearchTerms } from './sqliteSearch.ts'
import { migrateVersions } from './sqliteVersions.ts'
import { StorageUnavailableError } from './postgres.ts'

export interface SqliteMigration {
  version: number
  name: string
  apply(db: Database.Database): void
}

/** The first released schema (docs, update log, tombstones), with revoked tokens added the same day. */
const BASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  snapshot BLOB,
  snapshot_seq INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_id TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_doc ON updates (doc_id, seq);
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tombstones (
  id TEXT PRIMARY KEY,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
`

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: 'docs, updates, tombstones, revoked tokens', apply: (db) => db.exec(BASE_SCHEMA) },
  { version: 2, name: 'last editor and search', apply: migrateSearch },
  { version: 3, name: 'versions', apply: migrateVersions },
  { version: 4, name: 'search terms: folded words and pairs of ideographs', apply: migrateSearchTerms },
]

/** The last migration written before files recorded their version (see the header). */
const LAST_UNRECORDED = 3

/** The version this server writes and reads. */
export const SQLITE_SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version))

/** Bring `db` to the newest version in one transaction; refuses a newer file. */
export function migrateSqlite(db: Database.Database, file: string, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): void {
  const latest = Math.max(...migrations.map((m) => m.version))
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number
    if (from > latest) throw schemaTooNew(file, from, latest)
    for (const m of migrations) {
      if (m.version > from || (from <= LAST_UNRECORDED && m.version <= LAST_UNRECORDED)) m.apply(db)
    }
    if (from !== latest) db.pragma(`user_version = ${latest}`)
  }).immediate()
}

/**
 * The schema version stored in a SQLite file, or null when there is no such
 * file or it is not a SQLite database. Reads the header; only when a
 * non-empty -wal file is there (a server stopped without its last
 * checkpoint) can the newest version be in the WAL alone, and then SQLite
 * reads it.
 */
export function schemaVersionOf(file: string): number | null {
  let header: Buffer
  try {
    const fd = fs.openSync(file, 'r')
    try {
      header = Buffer.alloc(100)
      if (fs.readSync(fd, header, 0, 100, 0) < 100) return null
    } finally {
      fs.closeSync(fd)
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return null
  const wal = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })
  if (!wal || wal.size === 0) return header.readInt32BE(60)
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

/** Refuse a file written by a newer version, before anything opens it for writing. */
export function refuseNewerSchema(file: string): void {
  const version = schemaVersionOf(file)
  if (version !== null && version > SQLITE_SCHEMA_VERSION) throw schemaTooNew(file, version, SQLITE_SCHEMA_VERSION)
}

// A StorageUnavailableError, as PostgreSQL's refusal is, so `npm start` prints it as one line.
function schemaTooNew(file: string, version: number, latest: number): StorageUnavailableError {
  return new StorageUnavailableError(
    `${file} is at schema version ${version}, newer than this server knows (${latest}): it was written by a newer version. ` +
      'Run that version (or newer), or restore a backup taken before the upgrade. The file was not changed.',
  )
}
