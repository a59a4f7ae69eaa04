import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { AwarenessBroadcast, CHANGE_WINDOW_MS, RENEWAL_WINDOW_MS } from '../../server/collab/awarenessBroadcast.ts'
import type { SharedFrame } from '../../server/collab/sharedFrame.ts'

/** A room-side awareness, a peer that publishes into it, and the frames broadcast. */
function setup() {
  const room = new awarenessProtocol.Awareness(new Y.Doc())
  room.setLocalState(null)
  const frames: { at: number; ids: number[] }[] = []
  const started = performance.now()
  const b = new AwarenessBroadcast(room, (f: SharedFrame) => frames.push({ at: performance.now() - started, ids: idsOf(f.data) }))
  const peers = new Map<number, awarenessProtocol.Awareness>()
  const publish = (id: number, state: unknown) => {
    let peer = peers.get(id)
    if (!peer) {
      const doc = new Y.Doc()
      doc.clientID = id
      peers.set(id, (peer = new awarenessProtocol.Awareness(doc)))
    }
    peer.setLocalState(state as Record<string, unknown>)
    awarenessProtocol.applyAwarenessUpdate(room, awarenessProtocol.encodeAwarenessUpdate(peer, [id]), 'peer')
  }
  const dispose = () => {
    b.dispose()
    room.destroy()
    for (const p of peers.values()) p.destroy()
  }
  return { frames, publish, dispose }
}

function idsOf(data: Uint8Array): number[] {
  const d = decoding.createDecoder(data)
  decoding.readVarUint(d) // message type
  const u = decoding.createDecoder(decoding.readVarUint8Array(d))
  const ids: number[] = []
  for (let i = decoding.readVarUint(u); i > 0; i--) {
    ids.push(decoding.readVarUint(u))
    decoding.readVarUint(u)
    decoding.readVarString(u)
  }
  return ids
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('awareness broadcast batching', () => {
  it('sends a change at once and groups the changes that follow within the window into one frame', async () => {
    const { frames, publish, dispose } = setup()
    publish(11, { user: { name: 'a' } })
    expect(frames.map((f) => f.ids)).toEqual([[11]])
    publish(12, { user: { name: 'b' } })
    publish(11, { user: { name: 'a2' } })
    publish(13, { user: { name: 'c' } })
    expect(frames).toHaveLength(1)
    await sleep(CHANGE_WINDOW_MS + 30)
    expect(frames).toHaveLength(2)
    expect(frames[1]!.ids.sort()).toEqual([11, 12, 13])
    dispose()
  })

  it('holds pure renewals back, lets them ride along with the next change, and sends them alone within the renewal window', async () => {
    const { frames, publish, dispose } = setup()
    publish(21, { user: { name: 'a' } })
    publish(22, { user: { name: 'b' } })
    await sleep(CHANGE_WINDOW_MS + 30)
    const before = frames.length
    // Same state, newer clock: a renewal.
    publish(21, { user: { name: 'a' } })
    await sleep(CHANGE_WINDOW_MS + 30)
    expect(frames.length).toBe(before)
    publish(22, { user: { name: 'b moved' } })
    await sleep(CHANGE_WINDOW_MS + 30)
    expect(frames.length).toBe(before + 1)
    expect(frames.at(-1)!.ids.sort()).toEqual([21, 22])
    // A renewal with nothing else going on still goes out, late but in time
    // for peers that drop states after 30 s without one.
    publish(21, { user: { name: 'a' } })
    const renewedAt = performance.now()
    await sleep(RENEWAL_WINDOW_MS + 200)
    expect(frames.length).toBe(before + 2)
    expect(frames.at(-1)!.ids).toEqual([21])
    expect(performance.now() - renewedAt).toBeLessThan(RENEWAL_WINDOW_MS + 1000)
    dispose()
  })
})
