/**
 * The whole server on PostgreSQL, started as `npm start` would: clients
 * edit, the server dies without warning, a new one on the same database
 * serves everything they saw. And the start-up checks: a missing or bad
 * DATABASE_URL, and an unreachable database, stop the server with one line
 * that never shows the password.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { allSame, appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { spawnServer, startServer, type SpawnedServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

const skip = announcePostgresSkip('tests/collab/postgresStorage.test.ts')

describe('DATABASE_URL at start-up', () => {
  const configError = (env: Record<string, string>) => {
    try {
      loadConfig(env)
    } catch (err) {
      if (err instanceof ConfigError) return err.message
      throw err
    }
    throw new Error('expected a ConfigError')
  }

  it('is required with STORAGE=postgres, must be a postgres URL, and is never echoed', () => {
    expect(configError({ STORAGE: 'postgres' })).toMatch(/STORAGE=postgres needs DATABASE_URL/)
    const bad = configError({ STORAGE: 'postgres', DATABASE_URL: 'mysql://quill:sekrit@db/docs' })
    expect(bad).toMatch(/DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//)
    expect(bad).not.toContain('sekrit')
    expect(configError({ DATABASE_URL: 'postgres://quill:sekrit@db/docs' })).toMatch(/STORAGE is sqlite/)
    expect(loadConfig({ STORAGE: 'postgres', DATABASE_URL: 'postgresql://quill:sekrit@db:6543/docs' }).databaseUrl).toBe('postgresql://quill:sekrit@db:6543/docs')
  })

  it('an unreachable database stops `npm start` with one line naming the host, not the password', async () => {
    const failed = await spawnServer({ STORAGE: 'postgres', DATABASE_URL: 'postgres://quill:sekrit@127.0.0.1:1/docs' }).then(
      () => null,
      (err: Error) => err.message,
    )
    expect(failed).toContain('PostgreSQL at 127.0.0.1:1/docs is unavailable')
    expect(failed).not.toContain('sekrit')
    // spawnServer's own first line, then the server's one line.
    expect(failed!.trim().split('\n')).toHaveLength(2)
  })
})

describe.skipIf(skip)('the server on PostgreSQL', () => {
  let pg: TestPostgres
  const servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  beforeAll(async () => {
    pg = await startPostgres()
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
    for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  })
  afterAll(async () => {
    await pg?.cleanup()
  })

  it('in-process: two clients edit, the server closes, a new one on the same database serves it all', async () => {
    const env = { STORAGE: 'postgres', DATABASE_URL: await pg.createDatabase('inprocess') }
    const first = await startServer(env)
    const a = await connectSynced(first.wsUrl, 'doc')
    const b = await connectSynced(first.wsUrl, 'doc')
    clients.push(a, b)
    appendParagraph(a.doc, 'from a')
    appendParagraph(b.doc, 'from b')
    await waitFor(() => allSame([a, b]) && a.text().split('\n').length === 2, 'clients converge')
    await first.close()
    const second = await startServer(env)
    try {
      const fresh = await connectSynced(second.wsUrl, 'doc')
      clients.push(fresh)
      await waitFor(() => fresh.text().split('\n').sort().join('|') === 'from a|from b', 'a fresh client sees both lines')
      const list = (await (await fetch(`${second.url}/api/docs`)).json()) as unknown
      expect(JSON.stringify(list)).toContain('"doc"')
    } finally {
      for (const c of clients.splice(0)) c.destroy()
      await second.close()
    }
  })

  it('two clients edit, the server is SIGKILLed, and a new one on the same database has everything they saw', async () => {
    const env = { STORAGE: 'postgres', DATABASE_URL: await pg.createDatabase('smoke') }
    const first = await spawnServer(env)
    servers.push(first)
    const a = await connectSynced(first.wsUrl, 'pg-doc')
    const b = await connectSynced(first.wsUrl, 'pg-doc')
    clients.push(a, b)
    for (let i = 0; i < 5; i++) {
      appendParagraph(a.doc, `a${i}`)
      appendParagraph(b.doc, `b${i}`)
    }
    // Each saw the other's lines, so the server stored them before relaying.
    await waitFor(() => allSame([a, b]) && a.text().split('\n').length === 10, 'clients converge')

    first.child.kill('SIGKILL')
    await first.exited
    const second = await spawnServer({ ...env, PORT: String(first.port) })
    servers.push(second)
    const fresh = await connectSynced(second.wsUrl, 'pg-doc')
    clients.push(fresh)
    await waitFor(() => fresh.text().split('\n').length === 10, 'a fresh client sees every line', 20_000)
    expect(fresh.text().split('\n').sort()).toEqual(a.text().split('\n').sort())
    // The old clients come back by themselves and stay converged.
    appendParagraph(a.doc, 'after restart')
    await waitFor(() => allSame([a, b, fresh]) && fresh.text().includes('after restart'), 'edits flow again', 20_000)
  })
})
