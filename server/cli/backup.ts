/**
 * `npm run backup -- <file> [--force]`
 *
 * Writes a consistent copy of the SQLite data folder's database to <file>
 * while the server runs and writes (SQLite's online backup API, see
 * `sqliteBackup.ts`), checks it with `PRAGMA integrity_check` and prints
 * one line: the file, its size and the time taken. Reads DATA_DIR like the
 * server. The copy is one self-contained file that `npm run restore` takes.
 *
 * With PostgreSQL it prints the pg_dump command to use instead.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { ServerConfig } from '../config.ts'
import { configOrFail, failWith, type Fail } from './cliExit.ts'
import { pgDumpAdvice } from './postgresDump.ts'
import { BadDatabaseError, copyDatabase, describeFacts } from './sqliteBackup.ts'
import { SQLITE_FILE } from './sqliteExtras.ts'

const USAGE = 'Usage: npm run backup -- <file> [--force]'

const fail: Fail = failWith(USAGE)

function options(): { file: string; force: boolean; config: ServerConfig } {
  let parsed
  try {
    parsed = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } })
  } catch (err) {
    fail((err as Error).message)
  }
  const file = parsed.positionals[0]
  if (!file || parsed.positionals.length > 1) fail('One backup file is required.')
  return { file, force: parsed.values.force ?? false, config: configOrFail(fail) }
}

async function main(): Promise<void> {
  const { file, force, config } = options()
  if (config.storage === 'postgres') {
    process.stdout.write(pgDumpAdvice(config.databaseUrl!, file))
    return
  }
  if (config.storage === 'memory') fail("STORAGE=memory keeps documents only in the server's memory: there is no file to back up.", 1)
  const source = path.join(config.dataDir, SQLITE_FILE)
  const target = path.resolve(file)
  if (!fs.existsSync(source)) fail(`${config.dataDir} holds no ${SQLITE_FILE}: is DATA_DIR the server's data folder?`, 1)
  if (target === source) fail('The backup file cannot be the database itself.', 1)
  if (!fs.existsSync(path.dirname(target))) fail(`The folder ${path.dirname(target)} does not exist.`, 1)
  if (fs.existsSync(target) && !force) fail(`${target} already exists: give the backup a new name (a date in it suits scheduled backups), or add --force to replace it.`, 1)
  const started = performance.now()
  let facts
  try {
    facts = await copyDatabase(source, target)
  } catch (err) {
    if (err instanceof BadDatabaseError) fail(`The copy failed its check, so no backup was written: ${err.message}`, 1)
    throw err
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  process.stdout.write(`Backed up ${source} to ${target}: ${describeFacts(facts)}, integrity ok, in ${seconds} s\n`)
}

void main()
