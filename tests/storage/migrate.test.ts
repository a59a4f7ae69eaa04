/**
 * `npm run migrate-to-postgres`: documents written by real y-websocket
 * clients on a single SQLite server (some compacted, one empty, one
 * deleted), plus revoked tokens, are copied into a throwaway PostgreSQL; a
 * server on PostgreSQL then serves every document with its content, title
 * and times, keeps the tombstone and the revocation. A second run refuses
 * the non-empty target, and with --force copies nothing twice.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocListResponse } from '../../shared/apiTypes.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { SqliteStore, type DocMeta, type StoredDoc } from '../../server/storage/index.ts'
import type { VersionMeta } from '../../server/storage/types.ts'
import { appendParagraph, connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { startServer, tempDir } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

const skip = announcePostgresSkip('tests/storage/migrate.test.ts')
const ROOT = path.resolve(import.meta.dirname, '../..')
const PASSWORD = 'never-print-me'
const HOUR = 3_600_000

/** The command, as `npm run` starts it (`viaNpm`) or straight (quicker, for the other runs). */
function migrate(...args: string[]): Promise<{ code: number | null; out: string }> {
  return run(process.execPath, ['--import', 'tsx', 'server/cli/migrate.ts', ...args])
}

function migrateViaNpm(...args: string[]): Promise<{ code: number | null; out: string }> {
  return run('npm', ['run', '--silent', 'migrate-to-postgres', '--', ...args])
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })))
}

function addHeading(doc: Y.Doc, text: string): void {
  const h = new Y.XmlElement('heading')
  h.setAttribute('level', 1 as unknown as string)
  h.insert(0, [new Y.XmlText(text)])
  doc.getXmlFragment(DOC_FIELD).insert(0, [h])
}

describe.skipIf(skip)('migrating a SQLite data folder into PostgreSQL', () => {
  let pg: TestPostgres
  let databaseUrl: string
  const dataDir = tempDir('quill-migrate-')
  /** What the SQLite server served: text and list entry per document. */
  const before = new Map<string, { text: string; meta: DocMeta; versions: unknown[] }>()
  /** A version as the target must hold it: everything but its new id. */
  const versionShape = ({ id: _id, ...rest }: VersionMeta) => rest

  beforeAll(async () => {
    pg = await startPostgres({ fsync: false })
    databaseUrl = await pg.createDatabase('migrated')

    // Compaction after 5 updates, so stored documents hold a snapshot and updates.
    const sqlite = await startServer({ DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '5' })
    const clients: TestClient[] = []
    const write = async (id: string, title: string | null, lines: number) => {
      const [a, b] = [await connectSynced(sqlite.wsUrl, id), await connectSynced(sqlite.wsUrl, id)]
      clients.push(a, b)
      if (title) {
        addHeading(a.doc, title)
        // At b before b types, or b's lines could land before it.
        await waitFor(() => b.text() === title, `${id} heading at b`)
      }
      for (let i = 0; i < lines; i++) appendParagraph((i % 2 ? a : b).doc, `${id} line ${i}`)
      await waitFor(() => a.text() === b.text() && a.text().split('\n').length === lines + (title ? 1 : 0), `${id} written`)
    }
    const created = await fetch(`${sqlite.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const { id: empty } = (await created.json()) as { id: string }
    await write('notes', 'Meeting notes', 23)
    await write('ideas', null, 3)
    await write('gone', 'Deleted soon', 4)
    expect((await fetch(`${sqlite.url}/api/docs/gone`, { method: 'DELETE' })).status).toBe(204)
    // Every edit stored: a SyncStep1 answer means stored ("Saved").
    await waitFor(async () => {
      const list = ((await (await fetch(`${sqlite.url}/api/docs`)).json()) as DocListResponse).docs
      return list.length === 3 && list.find((d) => d.id === 'notes')?.title === 'Meeting notes'
    }, 'titles listed')
    for (const c of clients.splice(0)) c.destroy()
    await sqlite.close()

    const store = new SqliteStore({ dataDir })
    const stored = await store.load('notes')
    expect(stored.status === 'found' && stored.doc.snapshot !== null).toBe(true)
    await store.revokeToken('revoked-jti', Date.now() + HOUR)
    for (const meta of await store.list()) {
      const loaded = await store.load(meta.id)
      if (loaded.status === 'found') before.set(meta.id, { text: textOf(loaded.doc), meta, versions: (await store.listVersions(meta.id)).map(versionShape) })
    }
    await store.close()
    expect([...before.keys()].sort()).toEqual(['ideas', 'notes', empty].sort())
  })
  afterAll(async () => {
    await pg?.cleanup()
  })

  it('copies every document, tombstone and revoked token, and a server on PostgreSQL serves them', async () => {
    const withPassword = databaseUrl.replace('postgres@', `postgres:${PASSWORD}@`)
    const first = await migrateViaNpm('--data', dataDir, '--database', withPassword)
    expect(first.out).not.toContain(PASSWORD)
    expect(first.code, first.out).toBe(0)
    expect(first.out).toContain('3 documents copied')
    // Closing the rooms took a version of each changed document; they come along.
    expect(before.get('notes')!.versions.length).toBeGreaterThan(0)
    expect(first.out).toContain(`${[...before.values()].reduce((n, b) => n + b.versions.length, 0)} versions`)
    expect(first.out).toContain('1 tombstones')
    expect(first.out).toContain('1 revoked tokens')

    const srv = await startServer({ STORAGE: 'postgres', DATABASE_URL: databaseUrl })
    try {
      const store = srv.server.context.store
      // Titles, creation and last-edit times as they were.
      const byId = (a: DocMeta, b: DocMeta) => a.id.localeCompare(b.id)
      expect((await store.list()).sort(byId)).toEqual([...before.values()].map((b) => b.meta).sort(byId))
      for (const [id, { text }] of before) {
        const c = await connectSynced(srv.wsUrl, id)
        expect(c.text()).toBe(text)
        c.destroy()
      }
      expect(before.get('notes')!.text).toContain('notes line 22')
      for (const [id, b] of before) expect((await store.listVersions(id)).map(versionShape), `${id} versions`).toEqual(b.versions)
      // Found by a word of their text, not only their title, with who edited them last.
      const hits = await store.search('line', { limit: 10 })
      expect(hits.map((h) => h.meta.id).sort()).toEqual(['ideas', 'notes'])
      expect((await store.load('gone')).status).toBe('deleted')
      expect(await store.isTokenRevoked('revoked-jti')).toBe(true)
    } finally {
      await srv.close()
    }
  })

  it('refuses a non-empty target, and with --force copies nothing twice', async () => {
    const refused = await migrate('--data', dataDir, '--database', databaseUrl)
    expect(refused.code).toBe(1)
    expect(refused.out).toContain('already holds 3 documents')

    const again = await migrate('--data', dataDir, '--database', databaseUrl, '--force')
    expect(again.code, again.out).toBe(0)
    expect(again.out).toContain('0 documents copied, 0 completed, 3 already there (0 updates')
    expect(again.out).toContain('0 versions')
    expect(again.out).toContain('0 tombstones')

    // Someone kept editing on SQLite after the copy: --force brings over just that.
    const sqlite = await startServer({ DATA_DIR: dataDir })
    const late = await connectSynced(sqlite.wsUrl, 'notes')
    appendParagraph(late.doc, 'written after the first copy')
    await waitFor(async () => {
      const loaded = await sqlite.server.context.store.load('notes')
      return loaded.status === 'found' && textOf(loaded.doc).includes('written after the first copy')
    }, 'late edit stored')
    const expected = late.text()
    late.destroy()
    await sqlite.close()
    const catchUp = await migrate('--data', dataDir, '--database', databaseUrl, '--force')
    expect(catchUp.out).toContain('0 documents copied, 1 completed, 2 already there (1 updates')
    const srv = await startServer({ STORAGE: 'postgres', DATABASE_URL: databaseUrl })
    try {
      const c = await connectSynced(srv.wsUrl, 'notes')
      expect(c.text()).toBe(expected)
      c.destroy()
    } finally {
      await srv.close()
    }
  })

  it('says what is wrong with its arguments', async () => {
    const [noData, notAFolder, badUrl] = await Promise.all([
      migrate('--database', databaseUrl),
      migrate('--data', tempDir(), '--database', databaseUrl),
      migrate('--data', dataDir, '--database', 'mysql://x'),
    ])
    expect(noData.code).toBe(2)
    expect(noData.out).toContain('--data is required')
    expect(notAFolder.out).toContain('holds no docs.sqlite')
    expect(badUrl.out).toContain('must start with postgres://')
  })
})

function textOf(stored: StoredDoc): string {
  const doc = new Y.Doc()
  for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u)
  return fragmentText(doc.getXmlFragment(DOC_FIELD))
}
