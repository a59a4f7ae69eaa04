/**
 * `npm run migrate-to-postgres -- --data <folder> --database <url> [--force]`
 *
 * Copies a single-instance SQLite data folder (its docs.sqlite) into
 * PostgreSQL: every document, tombstone and revoked token (`copyStore.ts`).
 * Stop the server on that folder first, or its later edits stay behind.
 *
 * Refuses a target that already holds documents unless --force: a second
 * run is harmless (it copies only what is missing), but a non-empty target
 * more often means a wrong URL. --database defaults to DATABASE_URL, so the
 * password need not be on the command line. Messages name the database's
 * host and name, never its password.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { PostgresStore, SqliteStore, StorageUnavailableError } from '../storage/index.ts'
import { describeDatabase, postgresUrlProblem } from '../storage/postgresUrl.ts'
import { failWith, type Fail } from './cliExit.ts'
import { copyStore, type CopySummary } from './copyStore.ts'
import { readSqliteExtras, SQLITE_FILE } from './sqliteExtras.ts'

const USAGE = 'Usage: npm run migrate-to-postgres -- --data <sqlite data folder> --database <postgres url> [--force]'

const fail: Fail = failWith(USAGE)

function options(): { dataDir: string; url: string; force: boolean } {
  let values
  try {
    ;({ values } = parseArgs({ options: { data: { type: 'string' }, database: { type: 'string' }, force: { type: 'boolean', default: false } } }))
  } catch (err) {
    fail((err as Error).message)
  }
  const dataDir = values.data
  const url = values.database ?? process.env.DATABASE_URL
  if (!dataDir) fail('--data is required: the DATA_DIR of the single-instance server.')
  if (!url) fail('--database (or DATABASE_URL) is required.')
  const problem = postgresUrlProblem(url)
  if (problem) fail(`--database ${problem}`)
  if (!fs.existsSync(path.join(dataDir, SQLITE_FILE))) fail(`${path.resolve(dataDir)} holds no ${SQLITE_FILE}: is it the server's DATA_DIR?`, 1)
  return { dataDir, url, force: values.force ?? false }
}

function report(s: CopySummary, from: string, to: string): string {
  const mb = (s.bytes / 1024 / 1024).toFixed(1)
  const lines = [
    `Copied ${from} into PostgreSQL at ${to}:`,
    `  ${s.copied} documents copied, ${s.completed} completed, ${s.unchanged} already there (${s.updates} updates, ${mb} MiB)`,
    `  ${s.versions} versions (version history)`,
    `  ${s.tombstones} tombstones of deleted documents`,
    `  ${s.revokedTokens} revoked tokens (${s.expiredTokens} expired ones left behind)`,
    ...s.conflicts.map((c) => `  conflict: ${c}`),
  ]
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  const { dataDir, url, force } = options()
  const where = describeDatabase(url)
  // The store first: it brings an older folder's schema up to date, so the tables read next exist.
  const source = new SqliteStore({ dataDir })
  const extras = readSqliteExtras(dataDir)
  let target: PostgresStore
  try {
    target = await PostgresStore.open({ url })
  } catch (err) {
    await source.close()
    fail(err instanceof StorageUnavailableError ? err.message : `PostgreSQL at ${where}: ${(err as Error).message}`, 1)
  }
  try {
    const already = (await target.list()).length
    if (already > 0 && !force) {
      fail(`PostgreSQL at ${where} already holds ${already} documents. Check --database; to copy what is missing into it anyway, add --force.`, 1)
    }
    const summary = await copyStore(source, target, extras)
    process.stdout.write(report(summary, path.join(path.resolve(dataDir), SQLITE_FILE), where))
  } finally {
    await target.close()
    await source.close()
  }
}

main().catch((err: unknown) => {
  // pg's errors carry no password; the URL itself is never printed.
  fail(`Migration failed: ${(err as Error).message}`, 1)
})
