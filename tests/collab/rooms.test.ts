import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/closeCodes.ts'
import { MemoryStore } from '../../server/storage/memory.ts'
import type { LoadResult } from '../../server/storage/types.ts'
import { appendParagraph, connectClient, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'

/** A store whose loads are slow (and countable) or fail. */
class SlowStore extends MemoryStore {
  loads = 0
  failLoads = false
  constructor(private readonly delayMs: number) {
    super()
  }
  override async load(id: string): Promise<LoadResult> {
    this.loads++
    await sleep(this.delayMs)
    if (this.failLoads) throw new Error('disk on fire')
    return super.load(id)
  }
}

describe('room lifecycle', () => {
  let srv: TestServer | null = null
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await srv?.close()
    srv = null
  })

  it('concurrent joins share one load, and nobody is told it is synced before the content arrives', async () => {
    const store = new SlowStore(200)
    srv = await startServer({}, { store })
    // Seed content through one client, then let the room unload.
    const seed = await connectSynced(srv.wsUrl, 'shared-load')
    appendParagraph(seed.doc, 'stored content')
    await waitFor(async () => {
      const r = await MemoryStore.prototype.load.call(store, 'shared-load')
      return r.status === 'found' && r.doc.updates.length > 0
    }, 'stored')
    seed.destroy()
    await waitFor(() => srv!.server.context.registry.size === 0, 'room unloaded')
    store.loads = 0

    const joiners = Array.from({ length: 8 }, () => connectClient(srv!.wsUrl, 'shared-load'))
    clients.push(...joiners)
    const syncedEarly: boolean[] = []
    for (const j of joiners) j.provider.on('sync', (s: boolean) => s && syncedEarly.push(j.text() !== 'stored content'))
    await waitFor(() => joiners.every((j) => j.provider.synced), 'all synced', 5000)
    expect(store.loads).toBe(1)
    expect(syncedEarly).toHaveLength(8)
    expect(syncedEarly.every((early) => !early)).toBe(true)
    for (const j of joiners) expect(j.text()).toBe('stored content')
  })

  it('refuses the connection (4500, retryable) when loading fails, instead of serving an empty document', async () => {
    const store = new SlowStore(10)
    store.failLoads = true
    srv = await startServer({}, { store })
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${srv!.wsUrl}/broken`)
      ws.on('close', (c) => resolve(c))
      ws.on('error', () => {})
    })
    expect(code).toBe(CloseCode.LoadFailed)
    // Once storage works again, the document loads.
    store.failLoads = false
    const c = await connectSynced(srv.wsUrl, 'broken')
    clients.push(c)
  })

  it('a room leaves memory after its last connection leaves, with its state stored', async () => {
    srv = await startServer()
    const a = await connectSynced(srv.wsUrl, 'leaving')
    appendParagraph(a.doc, 'keep me')
    await waitFor(() => srv!.server.context.registry.get('leaving')?.doc.getXmlFragment('default').length === 1, 'server has it')
    a.destroy()
    await waitFor(() => srv!.server.context.registry.size === 0, 'room unloaded')
    const loaded = await srv.server.context.store.load('leaving')
    expect(loaded.status).toBe('found')
    // Unloading compacts: the state is one snapshot.
    if (loaded.status === 'found') expect(loaded.doc.snapshot).not.toBeNull()
    const b = await connectSynced(srv.wsUrl, 'leaving')
    clients.push(b)
    expect(b.text()).toBe('keep me')
  })

  it('closes sockets that stop answering pings', async () => {
    srv = await startServer({ PING_INTERVAL_MS: '100' })
    const started = Date.now()
    const closed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${srv!.wsUrl}/pings`, { autoPong: false })
      ws.on('close', (code) => resolve(code))
      ws.on('error', () => {})
    })
    expect(closed).toBe(1006)
    expect(Date.now() - started).toBeLessThan(2000)
    // A well-behaved client stays connected across many ping intervals.
    const ok = await connectSynced(srv.wsUrl, 'pings')
    clients.push(ok)
    await sleep(500)
    expect(ok.provider.wsconnected).toBe(true)
  })
})
