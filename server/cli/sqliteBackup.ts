/**
 * Copying and checking SQLite databases for `npm run backup` and `npm run
 * restore`.
 *
 * A copy goes through SQLite's online backup API, never a file copy: with a
 * WAL database the newest commits may sit in the -wal file, and a copy of
 * the main file taken while the server writes can be torn between pages.
 * The copy is written beside its target under a temporary name, checked,
 * fsynced and only then renamed, so a crash or a failed check never leaves
 * a file that looks like a complete backup or database.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

/**
 * Pages per backup step: all of them. One step copies every page under one
 * read transaction, so the copy is one consistent moment; in WAL mode that
 * read does not block the server's writers. In steps of a few pages, each
 * commit of the server between two steps would restart the copy, and under
 * steady writing it might never finish.
 */
const ALL_PAGES = 0x7fffffff

export interface DatabaseFacts {
  documents: number
  schemaVersion: number
  bytes: number
}

/** The file is not a database this server can use; the message says why. */
export class BadDatabaseError extends Error {
  override name = 'BadDatabaseError'
}

/**
 * Copy the database `source` to `target` (replacing it) as one consistent
 * snapshot, in rollback-journal mode so the copy is one self-contained file.
 * Fails with `BadDatabaseError` if the copy does not pass `checkDatabase`.
 */
export async function copyDatabase(source: string, target: string): Promise<DatabaseFacts> {
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`)
  fs.rmSync(partial, { force: true })
  try {
    const from = new Database(source, { readonly: true, fileMustExist: true })
    try {
      from.pragma('busy_timeout = 5000')
      await from.backup(partial, { progress: () => ALL_PAGES })
    } finally {
      from.close()
    }
    const copy = new Database(partial, { fileMustExist: true })
    try {
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
    const facts = checkDatabase(partial)
    fsyncPath(partial, 'r+')
    fs.renameSync(partial, target)
    fsyncPath(path.dirname(target), 'r')
    return facts
  } catch (err) {
    fs.rmSync(partial, { force: true })
    throw err
  }
}

/**
 * Open `file` read-only and check it is a sound database of this server:
 * a SQLite file, `PRAGMA integrity_check` ok, with a docs table.
 */
export function checkDatabase(file: string): DatabaseFacts {
  if (!hasSqliteHeader(file)) throw new BadDatabaseError(`${file} is not a SQLite database.`)
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
    if (problems.join() !== 'ok') throw new BadDatabaseError(`${file} is damaged; integrity_check says: ${problems.slice(0, 3).join('; ')}`)
    if (!db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'docs'").get()) {
      throw new BadDatabaseError(`${file} is a SQLite database, but not one of this server (it has no docs table).`)
    }
    const documents = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM docs').get()!.n
    const schemaVersion = db.pragma('user_version', { simple: true }) as number
    return { documents, schemaVersion, bytes: fs.statSync(file).size }
  } catch (err) {
    // A damaged file can fail before integrity_check answers (SQLITE_CORRUPT, SQLITE_NOTADB).
    if (err instanceof Database.SqliteError) throw new BadDatabaseError(`${file} is damaged: ${err.message}`)
    throw err
  } finally {
    db?.close()
  }
}

function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const header = Buffer.alloc(16)
    return fs.readSync(fd, header, 0, 16, 0) === 16 && header.toString('latin1') === 'SQLite format 3\0'
  } finally {
    fs.closeSync(fd)
  }
}

/** fsync a file or a folder (a rename is durable only once its folder is). */
export function fsyncPath(p: string, flags: 'r' | 'r+'): void {
  const fd = fs.openSync(p, flags)
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** '4.2 MiB, 42 documents, schema version 3', for the commands' one line. */
export function describeFacts(f: DatabaseFacts): string {
  return `${(f.bytes / 1024 / 1024).toFixed(1)} MiB, ${f.documents} document${f.documents === 1 ? '' : 's'}, schema version ${f.schemaVersion}`
}
