/** Who an edit is credited to ("edited by"): token name, awareness name, AI requester, or nobody. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { Connection } from '../../server/collab/connection.ts'
import { editorName } from '../../server/collab/editorName.ts'
import { LOAD_ORIGIN, REMOTE_ORIGIN, type AiOrigin } from '../../server/collab/origins.ts'
import { RoomSummary } from '../../server/collab/roomSummary.ts'
import { createLogger } from '../../server/log.ts'
import { MemoryStore } from '../../server/storage/memory.ts'

const socket = { send() {}, close() {}, bufferedAmount: 0 }

function room() {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  /** Publish a state under `clientId`, as a peer would. */
  const publish = (clientId: number, state: Record<string, unknown>) => {
    const peer = new Y.Doc()
    peer.clientID = clientId
    const other = new awarenessProtocol.Awareness(peer)
    other.setLocalState(state)
    awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [clientId]), null)
  }
  return { doc, awareness, publish }
}

/** A room's summary over a memory store, and a connection in open mode. */
async function summaryRoom() {
  const { doc, awareness, publish } = room()
  const store = new MemoryStore()
  await store.create('d', 1)
  const summary = new RoomSummary({ docId: 'd', store, log: createLogger('error', () => {}), doc, fragment: doc.getXmlFragment('default'), awareness })
  const conn = new Connection(socket, { readOnly: false, maxBufferedBytes: 1e6 })
  return { awareness, publish, store, summary, conn }
}

describe('editorName', () => {
  it("takes the token's name over the awareness name, and the awareness name in open mode, cleaned and bounded", () => {
    const { awareness, publish } = room()
    publish(11, { user: { name: 'Mallory\u0000\n', color: '#000' } })
    const tokened = new Connection(socket, { readOnly: false, maxBufferedBytes: 1e6, name: 'Grace' })
    tokened.awarenessIds.add(11)
    expect(editorName(tokened.origin, awareness)).toBe('Grace')
    const open = new Connection(socket, { readOnly: false, maxBufferedBytes: 1e6 })
    open.awarenessIds.add(11)
    expect(editorName(open.origin, awareness)).toBe('Mallory')
    publish(12, { user: { name: 'x'.repeat(500) } })
    const long = new Connection(socket, { readOnly: false, maxBufferedBytes: 1e6 })
    long.awarenessIds.add(12)
    expect(editorName(long.origin, awareness)).toHaveLength(64)
    expect(editorName(new Connection(socket, { readOnly: false, maxBufferedBytes: 1e6 }).origin, awareness)).toBeNull()
  })

  it("credits an AI job's writes and its discard to 'AI (for <requester>)', and knows nobody for loads and other instances", () => {
    const { doc, awareness, publish } = room()
    const origin: AiOrigin = { kind: 'ai', jobId: 'job-1' }
    expect(editorName(origin, awareness)).toBe('AI')
    publish(0x10001, { user: { name: 'AI · for Ada' }, ai: { jobId: 'job-1', requesterName: 'Ada' } })
    expect(editorName(origin, awareness)).toBe('AI (for Ada)')
    const undo = new Y.UndoManager(doc.getXmlFragment('default'), { trackedOrigins: new Set([origin]) })
    expect(editorName(undo, awareness)).toBe('AI (for Ada)')
    expect(editorName(LOAD_ORIGIN, awareness)).toBeNull()
    expect(editorName(REMOTE_ORIGIN, awareness)).toBeNull()
    expect(editorName(null, awareness)).toBeNull()
  })
})

describe('RoomSummary', () => {
  it("credits a person whose first edits reached the server before their awareness name did", async () => {
    const { awareness, publish, store, summary, conn } = await summaryRoom()
    // The edit arrives first; the name only afterwards, before the summary is written.
    summary.changed(conn.origin)
    publish(21, { user: { name: 'Ada' } })
    conn.awarenessIds.add(21)
    await summary.flush()
    expect((await store.meta('d'))?.editedBy).toBe('Ada')
  })

  it('credits them even when they have left (their awareness state gone) before the summary is written', async () => {
    const { awareness, publish, store, summary, conn } = await summaryRoom()
    summary.changed(conn.origin)
    // As the room does: the connection's awareness ids first, then the update.
    conn.awarenessIds.add(22)
    publish(22, { user: { name: 'Grace' } })
    awarenessProtocol.removeAwarenessStates(awareness, [22], null)
    await summary.flush()
    expect((await store.meta('d'))?.editedBy).toBe('Grace')
    summary.dispose()
  })
})
