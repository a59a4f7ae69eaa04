/**
 * The backup and restore commands (`npm run backup`, `npm run restore`, run
 * from source) against real servers (child processes) and real y-websocket
 * clients.
 *
 * What counts as acknowledged is what an observing client was sent: the
 * server stores an update before it broadcasts it (see
 * tests/collab/durability.test.ts), so everything an observer holds when the
 * backup starts was committed before it.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import { SQLITE_SCHEMA_VERSION } from '../../server/storage/sqliteSchema.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'
import { runCli } from './fixtures/cli.ts'
import { folderHashes } from './fixtures/files.ts'

/** True if state vector `a` includes everything in `b`. */
function covers(a: Uint8Array, b: Uint8Array): boolean {
  const sa = Y.decodeStateVector(a)
  for (const [client, clock] of Y.decodeStateVector(b)) if ((sa.get(client) ?? 0) < clock) return false
  return true
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true })
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  } finally {
    db.close()
  }
}

const servers: SpawnedServer[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
})

async function start(env: Record<string, string>): Promise<SpawnedServer> {
  const s = await spawnServer(env)
  servers.push(s)
  return s
}

async function connect(wsUrl: string, docId: string): Promise<TestClient> {
  const c = await connectSynced(wsUrl, docId)
  clients.push(c)
  return c
}

describe('backup while people write', () => {
  it('holds every update acknowledged before it began; restored into a new folder, a server serves them all', async () => {
    const dataDir = tempDir()
    // Compaction every 25 updates: the backup also meets snapshots being rewritten and updates dropped.
    const server = await start({ DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '25' })
    const docIds = ['backup-a', 'backup-b']
    const rooms = await Promise.all(
      docIds.map(async (id) => ({ id, writers: [await connect(server.wsUrl, id), await connect(server.wsUrl, id)], observer: await connect(server.wsUrl, id) })),
    )
    const random = rng(7)
    let writing = true
    let written = 0
    const writers = rooms.flatMap((r) =>
      r.writers.map(async (w, i) => {
        for (let n = 0; writing; n++) {
          appendParagraph(w.doc, `${r.id}-w${i}-${n}`)
          written++
          await sleep(random() < 0.5 ? 1 : 5)
        }
      }),
    )
    await waitFor(() => rooms.every((r) => r.observer.text().split('\n').length > 200), 'writers under way', 15_000)

    const acknowledged = rooms.map((r) => ({ id: r.id, seen: Y.encodeStateVector(r.observer.doc), lines: r.observer.text().split('\n') }))
    const writtenBefore = written
    const file = path.join(tempDir(), 'quill-backup.sqlite')
    const backup = await runCli('backup', [file], { DATA_DIR: dataDir })
    const writtenDuring = written - writtenBefore
    writing = false
    await Promise.all(writers)

    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(
      new RegExp(`^Backed up ${dataDir}/docs\\.sqlite to ${file}: [\\d.]+ MiB, 2 documents, schema version ${SQLITE_SCHEMA_VERSION}, integrity ok, in [\\d.]+ s\\n$`),
    )
    expect(writtenDuring).toBeGreaterThan(0)
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)])
    expect(integrity(file)).toBe('ok')
    // A second backup to the same name does not replace the first unless told to.
    const again = await runCli('backup', [file], { DATA_DIR: dataDir })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')

    const restoredDir = tempDir()
    const restore = await runCli('restore', [file], { DATA_DIR: restoredDir })
    expect(restore.stderr).toBe('')
    expect(restore.code).toBe(0)
    expect(restore.stdout).toMatch(new RegExp(`^Restored ${file} into ${restoredDir}/docs\\.sqlite: [\\d.]+ MiB, 2 documents, schema version ${SQLITE_SCHEMA_VERSION}, integrity ok`))
    expect(integrity(path.join(restoredDir, 'docs.sqlite'))).toBe('ok')

    const restored = await start({ DATA_DIR: restoredDir })
    for (const a of acknowledged) {
      const fresh = await connect(restored.wsUrl, a.id)
      expect(covers(Y.encodeStateVector(fresh.doc), a.seen)).toBe(true)
      const lines = new Set(fresh.text().split('\n'))
      expect(a.lines.filter((l) => !lines.has(l))).toEqual([])
    }
  })
})

describe('restore refuses', () => {
  /** A data folder holding one document, and a good backup of another. */
  async function folderAndBackup(): Promise<{ dataDir: string; backup: string }> {
    const dataDir = tempDir()
    const store = new SqliteStore({ dataDir })
    await store.create('current', Date.now())
    await store.close()
    const source = tempDir()
    const other = new SqliteStore({ dataDir: source })
    await other.create('from-backup', Date.now())
    await other.append('from-backup', new Uint8Array([0, 0]), Date.now())
    await other.close()
    const backup = path.join(tempDir(), 'good.sqlite')
    const taken = await runCli('backup', [backup], { DATA_DIR: source })
    expect(taken.code).toBe(0)
    return { dataDir, backup }
  }

  /** Variants of a good backup, each with what restore must say about it. */
  const bad: { name: string; make(good: string, out: string): void; says: RegExp }[] = [
    {
      name: 'a damaged backup (a page overwritten)',
      make: (good, out) => {
        const bytes = fs.readFileSync(good)
        const pageSize = bytes.readUInt16BE(16)
        // Every page after the first: the tables' pages, not the header.
        for (let i = pageSize; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff
        fs.writeFileSync(out, bytes)
      },
      says: /^Not restored: .* is damaged/,
    },
    {
      name: 'a truncated backup',
      make: (good, out) => fs.writeFileSync(out, fs.readFileSync(good).subarray(0, 3 * 1024)),
      says: /^Not restored: .* is damaged/,
    },
    { name: 'a file that is not SQLite', make: (_good, out) => fs.writeFileSync(out, 'id,title\n1,hello\n'), says: /^Not restored: .* is not a SQLite database\.$/m },
    {
      name: 'a SQLite file of something else',
      make: (_good, out) => {
        const db = new Database(out)
        db.exec('CREATE TABLE notes (x)')
        db.close()
      },
      says: /not one of this server \(it has no docs table\)/,
    },
    {
      name: 'a backup from a newer version',
      make: (good, out) => {
        fs.copyFileSync(good, out)
        const db = new Database(out)
        db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`)
        db.close()
      },
      says: new RegExp(`schema version ${SQLITE_SCHEMA_VERSION + 1}, newer than this server knows \\(${SQLITE_SCHEMA_VERSION}\\)`),
    },
  ]

  it('a damaged, foreign or newer backup, with a clear message, and leaves the data folder as it was', async () => {
    const { dataDir, backup } = await folderAndBackup()
    const before = folderHashes(dataDir)
    for (const b of bad) {
      const file = path.join(path.dirname(backup), `${b.name.replace(/\W+/g, '-')}.sqlite`)
      b.make(backup, file)
      const r = await runCli('restore', [file], { DATA_DIR: dataDir })
      expect({ name: b.name, code: r.code, stdout: r.stdout }).toEqual({ name: b.name, code: 1, stdout: '' })
      expect(r.stderr, b.name).toMatch(b.says)
      expect(folderHashes(dataDir), b.name).toEqual(before)
    }
    // The good one goes in, and the document it replaced is kept aside.
    const ok = await runCli('restore', [backup], { DATA_DIR: dataDir })
    expect(ok.code).toBe(0)
    expect(fs.readdirSync(dataDir).sort()).toEqual(['docs.sqlite', 'docs.sqlite.before-restore'])
    const store = new SqliteStore({ dataDir })
    expect((await store.list()).map((m) => m.id)).toEqual(['from-backup'])
    await store.close()
  })

  it('a data folder a server is running on, and the server goes on serving it', async () => {
    const { dataDir, backup } = await folderAndBackup()
    const server = await start({ DATA_DIR: dataDir })
    const writer = await connect(server.wsUrl, 'current')
    appendParagraph(writer.doc, 'still here')
    const r = await runCli('restore', [backup], { DATA_DIR: dataDir })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Not restored: a server (or another process, such as a backup) has ${dataDir}/docs.sqlite open. Stop the server, then run the restore again.\n`)
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('restor'))).toEqual([])
    const reader = await connect(server.wsUrl, 'current')
    await waitFor(() => reader.text() === 'still here', 'the document still served')
  })

  it('nothing after a crash: a killed server leaves no stale lock, and the database kept aside has its last writes', async () => {
    const { dataDir, backup } = await folderAndBackup()
    const server = await start({ DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '100000' })
    const writer = await connect(server.wsUrl, 'current')
    const observer = await connect(server.wsUrl, 'current')
    appendParagraph(writer.doc, 'written just before the crash')
    await waitFor(() => observer.text() === 'written just before the crash', 'the write acknowledged')
    server.child.kill('SIGKILL')
    await server.exited
    expect(fs.statSync(path.join(dataDir, 'docs.sqlite-wal')).size).toBeGreaterThan(0)

    const r = await runCli('restore', [backup], { DATA_DIR: dataDir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // The kept database is one file: what was only in the crashed server's WAL was folded into it first.
    expect(fs.readdirSync(dataDir).sort()).toEqual(['docs.sqlite', 'docs.sqlite.before-restore'])
    const keptDir = tempDir()
    fs.copyFileSync(path.join(dataDir, 'docs.sqlite.before-restore'), path.join(keptDir, 'docs.sqlite'))
    const kept = await start({ DATA_DIR: keptDir })
    const reader = await connect(kept.wsUrl, 'current')
    expect(reader.text()).toBe('written just before the crash')
  })
})

describe('with PostgreSQL', () => {
  const env = { STORAGE: 'postgres', DATABASE_URL: 'postgres://quill:s3cret-pw@db.example:5432/quill' }

  it('backup prints the pg_dump command, without the password, and does nothing else', async () => {
    const file = path.join(tempDir(), 'quill.dump')
    const r = await runCli('backup', [file], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`  pg_dump --format=custom --file=${file} --dbname=postgres://quill@db.example:5432/quill\n`)
    expect(r.stdout + r.stderr).not.toContain('s3cret')
    expect(fs.existsSync(file)).toBe(false)
  })

  it('restore prints the pg_restore command, without the password, and does nothing else', async () => {
    const r = await runCli('restore', ['my dump.pgdump'], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("  pg_restore --clean --if-exists --no-owner --single-transaction --dbname=postgres://quill@db.example:5432/quill 'my dump.pgdump'\n")
    expect(r.stdout).toContain('Stop every instance')
    expect(r.stdout + r.stderr).not.toContain('s3cret')
  })
})
