import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import * as encoding from 'lib0/encoding'
import { openAdmitted, closeSocket, userName } from '../security/helpers.ts'
import { startAiHarness, type AiHarness } from '../ai/harness.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'

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

  it('a burst of presence changes reaches a peer in a few frames, each peer ending with the latest state of everyone', async () => {
    const docId = 'aw-burst'
    const observer = await openAdmitted(`${srv.wsUrl}/${docId}`)
    const peers: TestClient[] = []
    for (let i = 0; i < 30; i++) peers.push(await connectSynced(srv.wsUrl, docId))
    clients.push(...peers)
    await new Promise((r) => setTimeout(r, 200))
    let awarenessFrames = 0
    observer.on('message', (data: Buffer) => {
      if (data[0] === 1) awarenessFrames++
    })
    // Everyone moves at once, twice: 60 changes.
    for (const [i, p] of peers.entries()) p.provider.awareness.setLocalStateField('user', { name: `first-${i}` })
    for (const [i, p] of peers.entries()) p.provider.awareness.setLocalStateField('user', { name: `second-${i}` })
    for (const viewer of [peers[0]!, peers[29]!]) {
      await waitFor(() => peers.every((p, i) => userName(viewer, p.doc.clientID) === `second-${i}`), 'latest states everywhere')
    }
    await new Promise((r) => setTimeout(r, 200))
    // One frame per change would be 60; batching sends the first change at
    // once and groups the rest per 50 ms window.
    expect(awarenessFrames).toBeGreaterThan(0)
    expect(awarenessFrames).toBeLessThanOrEqual(8)
    await closeSocket(observer)
  })
})

describe("the AI's presence", () => {
  let h: AiHarness
  beforeEach(async () => {
    h = await startAiHarness()
  })
  afterEach(async () => h.close())

  it("stays with everyone when a collaborator who echoed it leaves, and no connection can take it over", async () => {
    const [a, b] = await h.room('ai-presence-owner', 'Start.')
    h.upstream.script({ tokens: tokenize('Words that keep coming for a while.'), delayMs: 5, pauseAfter: 2 })
    const run = await startJob(h.srv.url, 'ai-presence-owner', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 6) }, requester: requester('Chen') })
    const aiId = await waitFor(() => aiClientId(b) ?? undefined, 'b sees the AI')
    // a's provider sends the AI's state back to the server, as every
    // y-websocket provider does with the changes it applies.
    await waitFor(() => aiClientId(a) === aiId, 'a sees the AI')
    const removedAtB: number[] = []
    b.provider.awareness.on('change', ({ removed }: { removed: number[] }) => removedAtB.push(...removed))

    // A raw connection claims the AI's id with a newer clock.
    const room = h.srv.server.context.registry.get('ai-presence-owner')!
    const attacker = await openAdmitted(`${h.srv.wsUrl}/ai-presence-owner`)
    attacker.send(awarenessFrame(aiId, room.awareness.meta.get(aiId)!.clock + 100, { user: { name: 'Mallory' } }))
    await closeSocket(attacker)
    a.destroy()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), "a's own state removed at b")
    // The job is paused, so the AI publishes nothing new meanwhile.
    await new Promise((r) => setTimeout(r, 300))
    expect(removedAtB).not.toContain(aiId)
    expect(userName(b, aiId)).toBe('AI · for Chen')

    h.upstream.release()
    await run.ended
    // Its text stays marked as pending until someone accepts it.
    expect((await postJob(h.srv.url, run.jobId(), 'accept')).status).toBe(200)
    await waitFor(() => aiClientId(b) === null, 'AI gone after Accept')
  })
})

function aiClientId(c: TestClient): number | null {
  for (const [id, s] of c.provider.awareness.getStates()) if ((s as { ai?: unknown }).ai) return id
  return null
}

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}
