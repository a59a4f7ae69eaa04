import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

describe('awareness', () => {
  let srv: TestServer
  const clients: TestClient[] = []
  beforeEach(async () => {
    srv = await startServer()
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await srv.close()
  })

  it("relays a client's state to the others and removes it within a second of its socket closing", async () => {
    const a = await connectSynced(srv.wsUrl, 'aw')
    const b = await connectSynced(srv.wsUrl, 'aw')
    const c = await connectSynced(srv.wsUrl, 'aw')
    clients.push(a, b, c)
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#ff0000' })
    const aId = a.doc.clientID
    for (const peer of [b, c]) {
      await waitFor(() => (peer.provider.awareness.getStates().get(aId) as { user?: { name: string } } | undefined)?.user?.name === 'Ada', 'Ada visible')
    }
    // Drop a's TCP connection abruptly: no close frame, no awareness removal
    // from the client; the server must clean up on its own.
    const closedAt = Date.now()
    a.provider.shouldConnect = false
    ;(a.provider.ws as unknown as { terminate(): void }).terminate()
    await waitFor(() => !b.provider.awareness.getStates().has(aId) && !c.provider.awareness.getStates().has(aId), 'Ada removed', 1000)
    expect(Date.now() - closedAt).toBeLessThan(1000)
  })

  it('late joiners receive the current awareness states', async () => {
    const a = await connectSynced(srv.wsUrl, 'aw2')
    clients.push(a)
    a.provider.awareness.setLocalStateField('user', { name: 'Grace', color: '#00ff00' })
    await waitFor(() => srv.server.context.registry.get('aw2')?.awareness.getStates().has(a.doc.clientID), 'server has state')
    const b = await connectSynced(srv.wsUrl, 'aw2')
    clients.push(b)
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Grace', 'Grace visible to late joiner')
  })
})
