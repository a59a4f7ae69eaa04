import { afterEach, describe, expect, it } from 'vitest'
import { allSame, appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

describe('restart with clients connected', () => {
  const servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  })

  it('clients reconnect by themselves after a graceful restart, converge, and lose nothing', async () => {
    const dataDir = tempDir()
    const first = await spawnServer({ DATA_DIR: dataDir })
    servers.push(first)
    const a = await connectSynced(first.wsUrl, 'restart')
    const b = await connectSynced(first.wsUrl, 'restart')
    clients.push(a, b)
    appendParagraph(a.doc, 'before restart from a')
    appendParagraph(b.doc, 'before restart from b')
    await waitFor(() => allSame([a, b]) && a.text().split('\n').length === 2, 'initial sync')

    const closeCodes: number[] = []
    a.provider.on('connection-close', (e: CloseEvent | null) => e && closeCodes.push(e.code))
    first.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)
    expect(closeCodes).toContain(1001)
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 'clients see the disconnect')

    // Both keep writing while the server is down.
    appendParagraph(a.doc, 'offline edit from a')
    appendParagraph(b.doc, 'offline edit from b')

    const second = await spawnServer({ DATA_DIR: dataDir, PORT: String(first.port) })
    servers.push(second)
    await waitFor(() => a.provider.synced && b.provider.wsconnected && allSame([a, b]) && a.text().split('\n').length === 4, 'clients reconnect and converge', 20_000)
    for (const line of ['before restart from a', 'before restart from b', 'offline edit from a', 'offline edit from b']) {
      expect(a.text().split('\n')).toContain(line)
    }
    // And the server stored it: a fresh client sees all four lines.
    const fresh = await connectSynced(second.wsUrl, 'restart')
    clients.push(fresh)
    await waitFor(() => fresh.text().split('\n').length === 4, 'fresh client sees everything')
  })
})
