/**
 * Whether some process (a server, a backup) has a data folder's database
 * open, for commands that must not run beside one.
 *
 * No pid or lock file: SQLite's own lock is the reliable signal. Every
 * connection to a WAL database holds a shared lock on the file for as long
 * as it is open, idle or not (the store opens it in WAL mode at start), and
 * the operating system drops that lock when the process dies, so a crashed
 * server leaves nothing stale behind, and a pid from another container's
 * namespace cannot fool it. The probe asks for the exclusive lock, without
 * waiting: it gets it only when nobody else has the file open.
 *
 * Like every SQLite lock this needs a local filesystem (not NFS), and one
 * kernel: a server in another container on the same volume counts.
 */
import Database from 'better-sqlite3'

/**
 * True when another process has `file` open. When it is free, the probe's
 * close checkpoints a stale WAL (a server that crashed) into the file, so
 * the file alone then holds everything.
 */
export function sqliteInUse(file: string): boolean {
  const db = new Database(file, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 0')
    // In exclusive locking mode, the first read of a WAL database takes the
    // file's exclusive lock instead of using the shared -shm index.
    db.pragma('locking_mode = EXCLUSIVE')
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    return false
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY')) return true
    throw err
  } finally {
    db.close()
  }
}
