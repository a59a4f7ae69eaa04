/**
 * The shared wire codec: every encoder's frame is read back by the server's
 * validating decoder and by the client's save probe as the same message.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeSyncStep2FromUpdate, encodeUpdate, syncFrameKind } from '../../shared/collabWire.ts'
import { decodeMessage } from '../../server/collab/messages.ts'
import { probeEvent } from '../../client/src/collab/syncProbe.ts'

function docWith(text: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return doc
}

describe('shared/collabWire', () => {
  const doc = docWith('hello')
  const update = Y.encodeStateAsUpdate(doc)

  it('writes frames that the server decodes as what was written', () => {
    expect(decodeMessage(encodeSyncStep1(doc))).toEqual({ type: 'syncStep1', stateVector: Y.encodeStateVector(doc) })
    expect(decodeMessage(encodeSyncStep2(doc))).toEqual({ type: 'syncStep2', update: Y.encodeStateAsUpdate(doc) })
    expect(decodeMessage(encodeSyncStep2FromUpdate(update))).toEqual({ type: 'syncStep2', update })
    expect(decodeMessage(encodeUpdate(update))).toEqual({ type: 'update', update })
    const awareness = new Awareness(doc)
    awareness.setLocalState({ user: { name: 'Ada' } })
    const msg = decodeMessage(encodeAwareness(awareness, [doc.clientID]))
    expect(msg.type === 'awareness' && msg.clients.map((c) => [c.clientId, JSON.parse(c.json)])).toEqual([[doc.clientID, { user: { name: 'Ada' } }]])
    awareness.destroy()
  })

  it('tells sync frames apart from their two leading varUints, and everything else is null', () => {
    expect(syncFrameKind(encodeSyncStep1(doc))).toBe('syncStep1')
    expect(syncFrameKind(encodeSyncStep2(doc, Y.encodeStateVector(new Y.Doc())))).toBe('syncStep2')
    expect(syncFrameKind(encodeUpdate(update))).toBe('update')
    expect(syncFrameKind(encodeAwareness(new Awareness(new Y.Doc()), []))).toBeNull()
    expect(syncFrameKind(new Uint8Array([0]))).toBeNull()
    expect(syncFrameKind(new Uint8Array([0, 9]))).toBeNull()
  })

  it("the client's probe hears the server's SyncStep1 and the SyncStep2 answers, as ArrayBuffer or bytes", () => {
    const step1 = encodeSyncStep1(doc)
    expect(probeEvent(step1)).toBe('server-step1')
    expect(probeEvent(step1.slice().buffer)).toBe('server-step1')
    expect(probeEvent(encodeSyncStep2FromUpdate(update))).toBe('answer')
    expect(probeEvent(encodeUpdate(update))).toBeNull()
  })
})
