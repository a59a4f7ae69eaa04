/**
 * The PostgreSQL store against a real throwaway PostgreSQL: the storage
 * contract, then what only a shared database has to get right (several
 * instances on one document, rollbacks, concurrent migrations, the database
 * going away). One cluster for the file, one database per store.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresStore, StorageUnavailableError } from '../../server/storage/postgres.ts'
import { MIGRATIONS } from '../../server/storage/postgresSchema.ts'
import { DocDeletedError, type DocStore } from '../../server/storage/types.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { storageContract, type StoreFactory } from './contract.ts'
import { versionsContract } from './versionsContract.ts'

const skip = announcePostgresSkip('tests/storage/postgres.test.ts')

const u = (n: number) => new Uint8Array([n & 255, (n >> 8) & 255, 7])

describe.skipIf(skip)('postgres store', () => {
  let server: TestPostgres
  let databases = 0
  const urls = new WeakMap<DocStore, string>()
  const opened: PostgresStore[] = []

  beforeAll(async () => {
    server = await startPostgres()
  })
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => {})))
    await server?.cleanup()
  })

  /** A database of its own, so tests share nothing. */
  const freshUrl = () => server.createDatabase(`store_${++databases}`)
  const open = async (url: string) => {
    const store = await PostgresStore.open({ url })
    urls.set(store, url)
    opened.push(store)
    return store
  }

  const postgres: StoreFactory = {
    name: 'postgres',
    create: async () => open(await freshUrl()),
    reopen: async (store) => {
      await store.close()
      return open(urls.get(store)!)
    },
  }
  storageContract(postgres)
  versionsContract(postgres)

  it('two instances appending to one document at once get contiguous sequence numbers, each number once', async () => {
    const url = await freshUrl()
    const [a, b] = [await open(url), await open(url)]
    const calls: Promise<number>[] = []
    for (let round = 0; round < 20; round++) {
      for (const [i, store] of [a, b].entries()) {
        calls.push(store.append('shared', u(round * 10 + i), round))
        calls.push(store.appendMany('shared', [u(round * 10 + i + 2), u(round * 10 + i + 4)], round))
        calls.push(store.append('other', u(round), round))
      }
      // Let some batches go out while others are still being requested.
      if (round % 3 === 0) await new Promise((r) => setImmediate(r))
    }
    await Promise.all(calls)
    const shared = await a.loadSince('shared', 0)
    if (shared.status !== 'updates') throw new Error(`expected updates, got ${shared.status}`)
    const n = 20 * 2 * 3
    expect(shared.updates.map((x) => x.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    expect(shared.lastSeq).toBe(n)
    const other = await b.loadSince('other', 0)
    expect(other.status === 'updates' && other.updates.map((x) => x.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })

  it('a rolled-back append leaves no gap, and fails only its own document', async () => {
    const url = await freshUrl()
    const store = await open(url)
    expect(await store.append('d', u(1), 1)).toBe(1)
    // A second connection plays a failure inside the append's statement, after the counter moved.
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE FUNCTION fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$ LANGUAGE plpgsql`)
    await admin.query(`CREATE TRIGGER fail BEFORE INSERT ON updates FOR EACH ROW WHEN (NEW.data = '\\xdead'::bytea) EXECUTE FUNCTION fail()`)
    const results = await Promise.allSettled([store.appendMany('d', [u(2), new Uint8Array([0xde, 0xad])], 2), store.append('e', u(3), 2)])
    expect(results[0].status).toBe('rejected')
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('simulated failure')
    expect(results[1]).toEqual({ status: 'fulfilled', value: 1 })
    await admin.query('DROP TRIGGER fail ON updates')
    await admin.end()
    expect(await store.append('d', u(4), 3)).toBe(2)
    const since = await store.loadSince('d', 0)
    expect(since.status === 'updates' && since.updates.map((x) => [x.seq, x.update[0]])).toEqual([
      [1, 1],
      [2, 4],
    ])
  })

  it('three instances starting at once on an empty database migrate it once, without error', async () => {
    const url = await freshUrl()
    const stores = await Promise.all([open(url), open(url), open(url)])
    await Promise.all(stores.map((s, i) => s.append('m', u(i), i)))
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const { rows } = await admin.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    await admin.end()
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
  })

  it('after compaction, loadSince continues with the next contiguous numbers, and a late older compaction changes nothing', async () => {
    const url = await freshUrl()
    const [a, b] = [await open(url), await open(url)]
    for (let i = 1; i <= 5; i++) await a.append('c', u(i), i)
    await a.compact('c', new Uint8Array([100]), 4)
    await b.compact('c', new Uint8Array([50]), 2)
    await b.append('c', u(6), 6)
    const since = await b.loadSince('c', 4)
    expect(since.status === 'updates' && since.updates.map((x) => x.seq)).toEqual([5, 6])
    const behind = await a.loadSince('c', 3)
    if (behind.status !== 'compacted') throw new Error(`expected compacted, got ${behind.status}`)
    expect(Array.from(behind.doc.snapshot!)).toEqual([100])
    expect(behind.doc.updates.map((x) => x[0])).toEqual([5, 6])
    expect(behind.doc.lastSeq).toBe(6)
  })

  it('a delete racing appends from another instance wins for good: no resurrection, no rows left', async () => {
    const url = await freshUrl()
    const [a, b] = [await open(url), await open(url)]
    await a.append('r', u(0), 0)
    const appends = Array.from({ length: 30 }, (_, i) => a.append('r', u(i + 1), i + 1))
    const deleted = b.delete('r')
    const results = await Promise.allSettled(appends)
    expect(await deleted).toBe(true)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DocDeletedError)
    await expect(a.append('r', u(99), 99)).rejects.toBeInstanceOf(DocDeletedError)
    expect(await a.load('r')).toEqual({ status: 'deleted' })
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM updates WHERE doc_id = 'r'")
    await admin.end()
    expect(rows[0]!.n).toBe(0)
  })

  it('versions added by one instance while another deletes the document: each is refused or deleted with it, none left', async () => {
    const url = await freshUrl()
    const [a, b] = [await open(url), await open(url)]
    await a.create('v', 0)
    const version = (n: number) => ({ createdAt: n, kind: 'auto' as const, name: null, authors: [], contentHash: `h${n}`, content: u(n) })
    const adds = Array.from({ length: 20 }, (_, i) => a.addVersion('v', version(i)))
    const deleted = b.delete('v')
    const results = await Promise.allSettled(adds)
    expect(await deleted).toBe(true)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DocDeletedError)
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM versions WHERE doc_id = 'v'")
    await admin.end()
    expect(rows[0]!.n).toBe(0)
  })

  it('open() on an unreachable database fails with one line naming the host, never the password', async () => {
    const err = await PostgresStore.open({ url: 'postgres://quill:sekrit@127.0.0.1:1/docs', connectTimeoutMs: 2000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageUnavailableError)
    const message = (err as Error).message
    expect(message).toContain('127.0.0.1:1/docs')
    expect(message).not.toContain('sekrit')
    expect(message).not.toContain('\n')
  })

  // Last: it stops the shared cluster.
  it('while the database is down appends fail; once it is back they succeed again with no restart', async () => {
    const store = await open(await freshUrl())
    expect(await store.append('x', u(1), 1)).toBe(1)
    await server.stop()
    await expect(store.append('x', u(2), 2)).rejects.toThrow()
    await expect(store.ping()).rejects.toThrow()
    await server.start()
    await store.ping()
    expect(await store.append('x', u(3), 3)).toBe(2)
    const loaded = await store.load('x')
    expect(loaded.status === 'found' && loaded.doc.updates.map((x) => x[0])).toEqual([1, 3])
  })
})
