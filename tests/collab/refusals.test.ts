import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { CloseCode } from '../../shared/closeCodes.ts'
import { allSame, appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

/** Open a raw socket, optionally send frames, and resolve with the close code. */
function closeCodeOf(url: string, frames: (Uint8Array | string)[] = []): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('open', () => {
      for (const f of frames) ws.send(f)
    })
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    ws.on('error', () => {})
    setTimeout(() => reject(new Error('socket was not closed')), 5000)
  })
}

function frame(...parts: number[]): Uint8Array {
  const e = encoding.createEncoder()
  for (const p of parts) encoding.writeVarUint(e, p)
  return encoding.toUint8Array(e)
}

describe('refusals: bad ids, malformed frames, unknown messages', () => {
  let srv: TestServer
  let bystanders: TestClient[]
  beforeAll(async () => {
    srv = await startServer()
    // Two clients in another room, and one in the room that gets bad frames.
    bystanders = [await connectSynced(srv.wsUrl, 'calm'), await connectSynced(srv.wsUrl, 'calm'), await connectSynced(srv.wsUrl, 'target')]
    appendParagraph(bystanders[2]!.doc, 'precious')
  })
  afterAll(async () => {
    for (const c of bystanders) c.destroy()
    await srv.close()
  })

  it.each([
    ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['a dotted id', 'a.b'],
    ['unicode', encodeURIComponent('doc-é')],
    ['spaces', 'my%20doc'],
    ['a 129-character id', 'a'.repeat(129)],
    ['a huge id', 'b'.repeat(5000)],
  ])('closes a socket for %s with 4404 (invalid document id)', async (_name, id) => {
    expect((await closeCodeOf(`${srv.wsUrl}/${id}`)).code).toBe(CloseCode.InvalidDocId)
  })

  it('refuses an empty document id', async () => {
    expect((await closeCodeOf(`${srv.wsUrl}/`)).code).toBe(CloseCode.InvalidDocId)
  })

  it.each([
    ['an unknown message type', frame(99)],
    ['an unknown sync step', frame(0, 7, 0)],
    ['a truncated sync frame', frame(0, 2, 50, 1, 2)],
    ['an empty frame', new Uint8Array(0)],
    ['trailing garbage after a valid frame', frame(3, 1, 2, 3)],
    ['a malformed awareness update', frame(1, 3, 1, 200, 200)],
    ['a garbage Yjs update', Uint8Array.from([0, 2, 6, 255, 255, 255, 255, 255, 1])],
  ])('closes the socket with 4400 (protocol error) for %s', async (_name, bytes) => {
    expect((await closeCodeOf(`${srv.wsUrl}/target`, [bytes])).code).toBe(CloseCode.ProtocolError)
  })

  it('closes the socket with 4400 for a text frame', async () => {
    expect((await closeCodeOf(`${srv.wsUrl}/target`, ['hello'])).code).toBe(CloseCode.ProtocolError)
  })

  it('leaves the server, the room and other rooms working', async () => {
    const [a, b, t] = bystanders as [TestClient, TestClient, TestClient]
    appendParagraph(a.doc, 'still fine')
    await waitFor(() => allSame([a, b]) && b.text().includes('still fine'), 'other room keeps syncing')
    const fresh = await connectSynced(srv.wsUrl, 'target')
    expect(fresh.text()).toBe('precious')
    appendParagraph(fresh.doc, 'after the storm')
    await waitFor(() => t.text().includes('after the storm'), 'target room keeps syncing')
    fresh.destroy()
    const health = await fetch(`${srv.url}/api/health`).then((r) => r.json() as Promise<{ status: string }>)
    expect(health.status).toBe('ok')
  })
})
