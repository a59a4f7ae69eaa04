/**
 * PostgreSQL's side of upgrades and backups, on a throwaway cluster: a
 * database whose schema a newer server has moved on is refused and left as
 * it was, and the pg_dump / pg_restore commands that `npm run backup` and
 * `npm run restore` print do carry the documents across.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresStore, StorageUnavailableError } from '../../server/storage/postgres.ts'
import { MIGRATIONS } from '../../server/storage/postgresSchema.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { tempDir } from '../support/tempDir.ts'
import { runCli } from './fixtures/cli.ts'

const skip = announcePostgresSkip('tests/ops/upgradePostgres.test.ts')
const latest = Math.max(...MIGRATIONS.map((m) => m.version))

describe.skipIf(skip)('PostgreSQL upgrades and backups', () => {
  let server: TestPostgres
  let databases = 0
  beforeAll(async () => {
    server = await startPostgres({ fsync: false })
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query<T>(sql, params)).rows
    } finally {
      await client.end()
    }
  }

  it('a database from a newer version is refused with a clear message and left as it was', async () => {
    const url = await server.createDatabase(`newer_${++databases}`)
    await (await PostgresStore.open({ url })).close()
    await query(url, 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [latest + 1, 'from a newer server'])
    const shape = () =>
      query(url, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`).then(async (cols) => ({
        cols,
        migrations: await query(url, 'SELECT version, name FROM schema_migrations ORDER BY version'),
      }))
    const before = await shape()
    const opening = PostgresStore.open({ url })
    await expect(opening).rejects.toBeInstanceOf(StorageUnavailableError)
    await expect(opening).rejects.toThrow(`the database schema is at version ${latest + 1}, newer than this server knows (${latest}): upgrade the server`)
    expect(await shape()).toEqual(before)
  })

  it('the printed pg_dump and pg_restore commands carry every document into another database', async () => {
    const from = await server.createDatabase(`dump_from_${++databases}`)
    const into = await server.createDatabase(`dump_into_${databases}`)
    const store = await PostgresStore.open({ url: from })
    await store.append('dumped', new Uint8Array([0, 0]), Date.now())
    await store.setTitle('dumped', 'Carried across')
    await store.close()

    const file = path.join(tempDir(), 'quill.dump')
    const withPassword = (url: string) => url.replace('postgres@', 'postgres:unused-pw@')
    const dump = await runCli('backup', [file], { STORAGE: 'postgres', DATABASE_URL: withPassword(from) })
    const restore = await runCli('restore', [file], { STORAGE: 'postgres', DATABASE_URL: withPassword(into) })
    for (const printed of [dump, restore]) {
      expect(printed.code).toBe(0)
      expect(printed.stdout).not.toContain('unused-pw')
      const command = printed.stdout.split('\n').find((l) => /^ {2}pg_(dump|restore) /.test(l))!
      const ran = spawnSync('sh', ['-c', command.trim()], { encoding: 'utf8' })
      expect(ran.stderr).toBe('')
      expect(ran.status).toBe(0)
    }
    const restored = await PostgresStore.open({ url: into })
    expect((await restored.list()).map((m) => [m.id, m.title])).toEqual([['dumped', 'Carried across']])
    const loaded = await restored.load('dumped')
    expect(loaded.status === 'found' && loaded.doc.updates.length).toBe(1)
    await restored.close()
  })
})
