/**
 * Upgrades of a SQLite data folder: one written by the first released schema
 * opens with today's store and keeps every document; one from a newer
 * version is refused and left exactly as it was; migrations are all or
 * nothing.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import { migrateSqlite, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../../server/storage/sqliteSchema.ts'
import { connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { folderHashes } from './fixtures/files.ts'
import { writeFirstSchemaFolder, type FirstSchemaDoc } from './fixtures/firstSchema.ts'

const DOCS: FirstSchemaDoc[] = [
  { id: 'plan', title: 'The plan', paragraphs: ['First, tea.', 'Then, the plan.', 'Last, more tea.'] },
  // A snapshot and updates after it, as compaction left them.
  { id: 'notes', title: 'Meeting notes', paragraphs: Array.from({ length: 12 }, (_, i) => `note ${i}`), compactAfter: 8 },
  { id: 'untitled', title: '', paragraphs: ['no title yet'] },
]

function userVersion(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

async function loadText(store: SqliteStore, id: string): Promise<string> {
  const loaded = await store.load(id)
  if (loaded.status !== 'found') throw new Error(`${id}: ${loaded.status}`)
  const doc = new Y.Doc()
  if (loaded.doc.snapshot) Y.applyUpdate(doc, loaded.doc.snapshot)
  for (const u of loaded.doc.updates) Y.applyUpdate(doc, u)
  return fragmentText(doc.getXmlFragment(DOC_FIELD))
}

const servers: SpawnedServer[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
})

describe('a data folder written by the first released schema', () => {
  it("opens with today's store: every document with its content, title and dates, the schema at the current version", async () => {
    const dir = tempDir()
    const times = writeFirstSchemaFolder(dir, DOCS, ['removed'])
    const file = path.join(dir, 'docs.sqlite')
    expect(userVersion(file)).toBe(0)

    const store = new SqliteStore({ dataDir: dir })
    for (const d of DOCS) expect(await loadText(store, d.id)).toBe(d.paragraphs.join('\n'))
    const metas = await store.list()
    expect(metas.map((m) => [m.id, m.title, m.editedBy]).sort()).toEqual(DOCS.map((d) => [d.id, d.title, null]).sort())
    for (const m of metas) expect({ createdAt: m.createdAt, updatedAt: m.updatedAt }).toEqual(times.get(m.id))
    expect(await store.isDeleted('removed')).toBe(true)
    // What later versions added works on the upgraded file: search (titles indexed at once), tokens, versions.
    expect((await store.search('meeting', { limit: 10 })).map((h) => h.meta.id)).toEqual(['notes'])
    await store.revokeToken('jti-1', Date.now() + 60_000)
    expect(await store.isTokenRevoked('jti-1')).toBe(true)
    await store.addVersion('plan', { createdAt: Date.now(), kind: 'named', name: 'Before', authors: ['Ada'], contentHash: 'h', content: new Uint8Array([1]) })
    expect(await store.listVersions('plan')).toHaveLength(1)
    const seq = await store.append('plan', new Uint8Array([0, 0]), Date.now())
    expect(seq).toBeGreaterThan(0)
    await store.close()

    expect(userVersion(file)).toBe(SQLITE_SCHEMA_VERSION)
    const db = new Database(file, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()
  })

  it('a server started on it serves the documents to a client', async () => {
    const dir = tempDir()
    writeFirstSchemaFolder(dir, DOCS)
    const server = await spawnServer({ DATA_DIR: dir })
    servers.push(server)
    const client = await connectSynced(server.wsUrl, 'notes')
    clients.push(client)
    expect(client.text()).toBe(DOCS[1]!.paragraphs.join('\n'))
  })
})

describe('a data folder from a newer version', () => {
  /** A current folder whose schema version a later release has moved on; with `unclean`, its last commits still in the -wal file. */
  async function newerFolder(opts: { unclean: boolean }): Promise<string> {
    const dir = tempDir()
    const store = new SqliteStore({ dataDir: dir })
    await store.create('kept', Date.now())
    await store.close()
    const file = path.join(dir, 'docs.sqlite')
    if (!opts.unclean) {
      const db = new Database(file)
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`)
      db.close()
      return dir
    }
    // A newer server killed before its last checkpoint: the version change is only in the WAL.
    const script = `
      const db = new (require('better-sqlite3'))(${JSON.stringify(file)})
      db.pragma('wal_autocheckpoint = 0')
      db.pragma('user_version = ${SQLITE_SCHEMA_VERSION + 1}')
      process.stdout.write('written\\n')
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['-e', script], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0)
    return dir
  }

  for (const unclean of [false, true]) {
    it(`is refused with a clear message and left byte for byte as it was${unclean ? ' (newest version only in the WAL)' : ''}`, async () => {
      const dir = await newerFolder({ unclean })
      // The -shm file is SQLite's index of the WAL, rebuilt by any reader; the database and its WAL hold the data.
      const files = () => ({ ...folderHashes(dir), ...(unclean && { 'docs.sqlite-shm': 'index' }) })
      const before = files()
      const file = path.join(dir, 'docs.sqlite')
      expect(() => new SqliteStore({ dataDir: dir })).toThrow(
        `${file} is at schema version ${SQLITE_SCHEMA_VERSION + 1}, newer than this server knows (${SQLITE_SCHEMA_VERSION})`,
      )
      expect(files()).toEqual(before)

      // npm start says so in one line, no stack trace, and exits 1.
      const started = spawnServer({ DATA_DIR: dir })
      await expect(started).rejects.toThrow(/newer than this server knows/)
      const out = await started.catch((err: Error) => err.message)
      expect(out).not.toMatch(/^\s+at /m)
      expect(files()).toEqual(before)
    })
  }
})

describe('migrations', () => {
  const failing = { version: SQLITE_SCHEMA_VERSION + 1, name: 'fails half way', apply: (db: Database.Database) => {
    db.exec('CREATE TABLE half_done (x)')
    throw new Error('disk full')
  } }

  it('run in one transaction: a failing one leaves a first-schema file as it was, every earlier step undone', () => {
    const dir = tempDir()
    writeFirstSchemaFolder(dir, DOCS)
    const file = path.join(dir, 'docs.sqlite')
    const db = new Database(file)
    const tables = () => db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name)
    const before = tables()
    expect(() => migrateSqlite(db, file, [...SQLITE_MIGRATIONS, failing])).toThrow('disk full')
    expect(tables()).toEqual(before)
    expect(db.pragma('user_version', { simple: true })).toBe(0)
    expect(db.prepare('PRAGMA table_info(docs)').all().map((c) => (c as { name: string }).name)).not.toContain('edited_by')
    db.close()
  })

  it('from the first recorded version on, each runs once', () => {
    const dir = tempDir()
    const file = path.join(dir, 'docs.sqlite')
    void new SqliteStore({ dataDir: dir }).close()
    const db = new Database(file)
    let ran: number[] = []
    const next = SQLITE_SCHEMA_VERSION + 1
    const counted = [...SQLITE_MIGRATIONS, { version: next, name: 'next', apply: () => {} }].map((m) => ({ ...m, apply: () => void ran.push(m.version) }))
    // Migrations from before files recorded a version (1-3) run again on a file at one of them: it may lack one.
    db.pragma('user_version = 3')
    migrateSqlite(db, file, counted)
    expect(ran).toEqual([...SQLITE_MIGRATIONS.map((m) => m.version), next])
    expect(db.pragma('user_version', { simple: true })).toBe(next)
    ran = []
    migrateSqlite(db, file, counted)
    expect(ran).toEqual([])
    db.close()
  })
})
