/**
 * `npm run restore -- <file>`
 *
 * Restores a backup taken by `npm run backup` into the data folder (DATA_DIR)
 * of a stopped server. It refuses, with a message and exit code 1, when a
 * process has the folder's database open (`sqliteInUse`), and a backup that
 * is not a SQLite database of this server, is damaged (integrity_check), or
 * comes from a newer schema. An older schema is fine: the server migrates it
 * on start.
 *
 * The backup is copied into the folder under a temporary name, checked and
 * fsynced; then the old database is kept as docs.sqlite.before-restore, its
 * -wal and -shm files go (they belong to the old file, and SQLite would
 * replay them into the new one), and the copy takes its name.
 *
 * With PostgreSQL it prints the pg_restore command to use instead.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { ServerConfig } from '../config.ts'
import { configOrFail, failWith, type Fail } from './cliExit.ts'
import { sqliteInUse } from '../storage/sqliteInUse.ts'
import { SQLITE_SCHEMA_VERSION } from '../storage/sqliteSchema.ts'
import { pgRestoreAdvice } from './postgresDump.ts'
import { BadDatabaseError, checkDatabase, copyDatabase, describeFacts, fsyncPath, type DatabaseFacts } from './sqliteBackup.ts'
import { SQLITE_FILE } from './sqliteExtras.ts'

const USAGE = 'Usage: npm run restore -- <file>'

const fail: Fail = failWith(USAGE)

function options(): { file: string; config: ServerConfig } {
  let parsed
  try {
    parsed = parseArgs({ allowPositionals: true, options: {} })
  } catch (err) {
    fail((err as Error).message)
  }
  const file = parsed.positionals[0]
  if (!file || parsed.positionals.length > 1) fail('One backup file is required.')
  return { file, config: configOrFail(fail) }
}

function checkedBackup(backup: string): DatabaseFacts {
  if (!fs.existsSync(backup)) fail(`${backup} does not exist.`, 1)
  let facts
  try {
    facts = checkDatabase(backup)
  } catch (err) {
    if (err instanceof BadDatabaseError) fail(`Not restored: ${err.message}`, 1)
    throw err
  }
  if (facts.schemaVersion > SQLITE_SCHEMA_VERSION) {
    fail(
      `Not restored: ${backup} is at schema version ${facts.schemaVersion}, newer than this server knows (${SQLITE_SCHEMA_VERSION}). ` +
        'It was taken by a newer version: restore it with that version.',
      1,
    )
  }
  return facts
}

/** Why the database at `live` must not be replaced now, or null. */
function inUse(live: string): string | null {
  let open
  try {
    open = sqliteInUse(live)
  } catch (err) {
    return (
      `Not restored: could not tell whether a server has ${live} open (${(err as Error).message}). ` +
      'If no server runs on this folder and that file is damaged, move it away and run the restore again.'
    )
  }
  return open ? `Not restored: a server (or another process, such as a backup) has ${live} open. Stop the server, then run the restore again.` : null
}

async function main(): Promise<void> {
  const { file, config } = options()
  if (config.storage === 'postgres') {
    process.stdout.write(pgRestoreAdvice(config.databaseUrl!, file))
    return
  }
  if (config.storage === 'memory') fail('STORAGE=memory keeps documents only in memory: there is no data folder to restore into.', 1)
  const backup = path.resolve(file)
  const live = path.join(config.dataDir, SQLITE_FILE)
  if (backup === live) fail('The backup file cannot be the database itself.', 1)
  checkedBackup(backup)
  fs.mkdirSync(config.dataDir, { recursive: true })
  const hadLive = fs.existsSync(live)
  const busy = hadLive && inUse(live)
  if (busy) fail(busy, 1)

  const started = performance.now()
  const incoming = `${live}.restoring`
  let facts
  try {
    facts = await copyDatabase(backup, incoming)
  } catch (err) {
    if (err instanceof BadDatabaseError) fail(`Not restored: the copy failed its check: ${err.message}`, 1)
    throw err
  }
  // Asked again right before the swap: a server may have started during the copy.
  const busyNow = fs.existsSync(live) && inUse(live)
  if (busyNow) {
    fs.rmSync(incoming, { force: true })
    fail(busyNow, 1)
  }
  const kept = `${live}.before-restore`
  if (hadLive) fs.renameSync(live, kept)
  for (const stale of [`${live}-wal`, `${live}-shm`]) fs.rmSync(stale, { force: true })
  fs.renameSync(incoming, live)
  fsyncPath(config.dataDir, 'r')

  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const upgrade = facts.schemaVersion < SQLITE_SCHEMA_VERSION ? ` (the server brings it to ${SQLITE_SCHEMA_VERSION} on start)` : ''
  process.stdout.write(
    `Restored ${backup} into ${live}: ${describeFacts(facts)}${upgrade}, integrity ok, in ${seconds} s.` +
      `${hadLive ? ` The previous database is kept as ${kept}.` : ''} Start the server.\n`,
  )
}

void main()
