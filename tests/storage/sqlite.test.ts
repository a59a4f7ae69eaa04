import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import { tempDir } from '../support/tempDir.ts'
import { storageContract, type StoreFactory } from './contract.ts'
import { versionsContract } from './versionsContract.ts'

const dirs = new WeakMap<object, string>()

const sqlite: StoreFactory = {
  name: 'sqlite',
  create: async () => {
    const dir = tempDir()
    const store = new SqliteStore({ dataDir: dir })
    dirs.set(store, dir)
    return store
  },
  reopen: async (store) => {
    const dir = dirs.get(store)!
    await store.close()
    const again = new SqliteStore({ dataDir: dir })
    dirs.set(again, dir)
    return again
  },
}
storageContract(sqlite)
versionsContract(sqlite)

it('a file from before version history gets its versions table on open', async () => {
  const dir = tempDir()
  await new SqliteStore({ dataDir: dir }).close()
  const old = new Database(path.join(dir, 'docs.sqlite'))
  old.exec('DROP TABLE versions')
  // Files from before version history recorded no schema version.
  old.pragma('user_version = 0')
  old.prepare('INSERT INTO docs (id, created_at, updated_at) VALUES (?, 1, 1)').run('old')
  old.close()
  const store = new SqliteStore({ dataDir: dir })
  const v = await store.addVersion('old', { createdAt: 2, kind: 'named', name: 'First', authors: ['Ada'], contentHash: 'h', content: new Uint8Array([1, 2]) })
  expect(await store.listVersions('old')).toEqual([v])
  await store.close()
})

describe('sqlite group commit', () => {
  const u = (n: number) => new Uint8Array([n, n + 1, n + 2])
  let dir: string
  let store: SqliteStore
  beforeEach(() => {
    dir = tempDir()
    store = new SqliteStore({ dataDir: dir })
  })
  afterEach(async () => {
    await store.close()
  })

  it('operations take effect in call order, even when an append is not awaited first', async () => {
    const appended = store.append('x', u(1), 1)
    const loaded = await store.load('x')
    expect(loaded.status === 'found' && loaded.doc.updates.length).toBe(1)
    const again = store.append('x', u(2), 2)
    expect(await store.delete('x')).toBe(true)
    await expect(appended).resolves.toBeGreaterThan(0)
    await expect(again).resolves.toBeGreaterThan(0)
    expect(await store.load('x')).toEqual({ status: 'deleted' })
  })

  it('a commit that fails rejects every append in it and stores none of them; a retry stores them', async () => {
    await store.append('a', u(0), 1)
    // A second connection plays a disk that fails mid-batch: b's rows are
    // written, then a's insert aborts, and the whole batch rolls back.
    const other = new Database(path.join(dir, 'docs.sqlite'))
    other.exec(`CREATE TRIGGER fail BEFORE INSERT ON updates WHEN NEW.doc_id = 'a' BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`)
    const results = await Promise.allSettled([store.appendMany('b', [u(2), u(3)], 2), store.append('a', u(1), 2)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toContain('simulated disk failure')
    const a = await store.load('a')
    expect(a.status === 'found' && a.doc.updates.length).toBe(1)
    expect(await store.load('b')).toEqual({ status: 'missing' })

    other.exec('DROP TRIGGER fail')
    other.close()
    await store.append('a', u(1), 3)
    await store.appendMany('b', [u(2), u(3)], 3)
    const b = await store.load('b')
    expect(b.status === 'found' && b.doc.updates.map((x) => x[0])).toEqual([2, 3])
  })

  it('close commits what is queued, and refuses appends after it', async () => {
    const pending = store.append('c', u(5), 1)
    await store.close()
    await expect(pending).resolves.toBeGreaterThan(0)
    await expect(store.append('c', u(6), 2)).rejects.toThrow()
    store = new SqliteStore({ dataDir: dir })
    const c = await store.load('c')
    expect(c.status === 'found' && c.doc.updates.map((x) => x[0])).toEqual([5])
  })
})
