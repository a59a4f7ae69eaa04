/**
 * Stores written before search terms (SQLite schema 3, PostgreSQL schema 4)
 * had their engine's own reading of the raw text in the index. Opened by
 * this server, the index is rebuilt from the stored text: what it holds is
 * found the new way (accents folded, words inside Japanese runs), at once.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresStore } from '../../server/storage/postgres.ts'
import { MIGRATIONS, migrate } from '../../server/storage/postgresSchema.ts'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../server/storage/sqliteSchema.ts'
import type { DocStore } from '../../server/storage/types.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { tempDir } from '../support/tempDir.ts'

const DOCS = [
  { id: 'fr', title: 'École', body: 'Une façade rénovée' },
  { id: 'ja', title: '旅行', body: '東京は日本の首都です' },
  { id: 'plain', title: 'Plain', body: '' },
]

async function expectFoundTheNewWay(store: DocStore): Promise<void> {
  const ids = async (q: string) => (await store.search(q, { limit: 10 })).map((h) => h.meta.id)
  expect(await ids('ecole')).toEqual(['fr'])
  expect(await ids('facade renov')).toEqual(['fr'])
  expect(await ids('首都')).toEqual(['ja'])
  expect(await ids('plain')).toEqual(['plain'])
  expect((await store.search('facade', { limit: 1 }))[0]!.snippet).toBe('Une façade rénovée')
  // Later summaries keep the index in step as before.
  await store.setSummary('plain', { title: 'Plain', text: 'Straße', editedBy: null })
  expect(await ids('strasse')).toEqual(['plain'])
}

it('a SQLite file at schema 3 is reindexed on open', async () => {
  const dir = tempDir()
  const file = path.join(dir, 'docs.sqlite')
  const old = new Database(file)
  migrateSqlite(old, file, SQLITE_MIGRATIONS.filter((m) => m.version <= 3))
  for (const [i, d] of DOCS.entries()) {
    old.prepare('INSERT INTO docs (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(d.id, d.title, i + 1, i + 1)
    // Schema 3's triggers fill its FTS5 table from doc_text.
    old.prepare('INSERT INTO doc_text (id, title, body) VALUES (?, ?, ?)').run(d.id, d.title, d.body)
  }
  expect(old.prepare("SELECT count(*) AS n FROM doc_fts WHERE doc_fts MATCH 'rénovée'").get()).toEqual({ n: 1 })
  old.close()
  const store = new SqliteStore({ dataDir: dir })
  try {
    await expectFoundTheNewWay(store)
  } finally {
    await store.close()
  }
})

const skip = announcePostgresSkip('tests/storage/searchMigration.test.ts')

describe.skipIf(skip)('PostgreSQL', () => {
  let server: TestPostgres
  beforeAll(async () => {
    server = await startPostgres({ fsync: false })
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('a database at schema 4 is reindexed on open', async () => {
    const url = await server.createDatabase('search_terms')
    const pool = new pg.Pool({ connectionString: url })
    try {
      await migrate(pool, MIGRATIONS.filter((m) => m.version <= 4))
      for (const [i, d] of DOCS.entries()) {
        await pool.query('INSERT INTO docs (id, title, created_at, updated_at) VALUES ($1, $2, $3, $3)', [d.id, d.title, i + 1])
        await pool.query("INSERT INTO doc_text (id, body, search) VALUES ($1, $3, to_tsvector('simple', $2 || ' ' || $3))", [d.id, d.title, d.body])
      }
    } finally {
      await pool.end()
    }
    const store = await PostgresStore.open({ url })
    try {
      await expectFoundTheNewWay(store)
    } finally {
      await store.close()
    }
  })
})
