/**
 * Room tests over in-memory sockets: several clients speak y-websocket's
 * protocol to one Room, and a seeded scheduler delivers frames in random
 * interleavings (in order per connection, as TCP does) with random
 * disconnects and reconnects. Every schedule must converge.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { RoomRegistry } from '../../server/collab/registry.ts'
import type { Connection } from '../../server/collab/connection.ts'
import type { Room } from '../../server/collab/room.ts'
import { MemoryStore } from '../../server/storage/memory.ts'
import { createLogger } from '../../server/log.ts'
import { encodeSyncStep1, encodeUpdate, MessageType } from '../../shared/collabWire.ts'
import { rng } from '../support/wait.ts'

interface SimClient {
  doc: Y.Doc
  toServer: Uint8Array[]
  toClient: Uint8Array[]
  conn: Connection | null
}

async function runSchedule(seed: number): Promise<void> {
  const random = rng(seed)
  const store = new MemoryStore()
  const registry = new RoomRegistry({ store, log: createLogger('silent'), compactAfterUpdates: 7, maxBufferedBytes: 1 << 30, maxDocBytes: 1 << 30, unloadDelayMs: 0 })
  const room: Room = await registry.acquire('sim')
  const release = room.retain() // keep it loaded while clients come and go
  const clients: SimClient[] = Array.from({ length: 4 }, () => ({ doc: new Y.Doc(), toServer: [], toClient: [], conn: null }))

  const connect = (c: SimClient) => {
    c.toServer = []
    c.toClient = []
    c.conn = room.join({ send: (d) => c.toClient.push(d), close: () => {}, bufferedAmount: 0 }, { readOnly: false })
    c.toServer.push(encodeSyncStep1(c.doc))
  }
  const disconnect = (c: SimClient) => {
    if (c.conn) room.leave(c.conn)
    c.conn = null
  }
  for (const c of clients) {
    c.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote' && c.conn) c.toServer.push(encodeUpdate(u))
    })
    connect(c)
  }
  const deliverToClient = (c: SimClient) => {
    const frame = c.toClient.shift()!
    const d = decoding.createDecoder(frame)
    if (decoding.readVarUint(d) !== MessageType.Sync) return // awareness: not simulated here
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, MessageType.Sync)
    syncProtocol.readSyncMessage(d, reply, c.doc, 'remote')
    if (encoding.length(reply) > 1) c.toServer.push(encoding.toUint8Array(reply))
  }

  for (let step = 0; step < 400; step++) {
    const c = clients[Math.floor(random() * clients.length)]!
    const r = random()
    if (r < 0.3) {
      const t = c.doc.getText('t')
      t.insert(Math.floor(random() * (t.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)))
    } else if (r < 0.6 && c.toServer.length > 0 && c.conn) room.receive(c.conn, c.toServer.shift()!)
    else if (r < 0.9 && c.toClient.length > 0) deliverToClient(c)
    else if (r < 0.95 && c.conn) disconnect(c)
    else if (!c.conn) connect(c)
    // Persistence resolves on microtasks; let it run now and then.
    if (step % 10 === 0) await new Promise((res) => setImmediate(res))
  }
  // Heal: everyone reconnects and all queues drain.
  for (const c of clients) if (!c.conn) connect(c)
  for (let i = 0; i < 200 && clients.some((c) => c.toServer.length || c.toClient.length); i++) {
    for (const c of clients) {
      while (c.toServer.length) room.receive(c.conn!, c.toServer.shift()!)
      await new Promise((res) => setImmediate(res))
      while (c.toClient.length) deliverToClient(c)
    }
  }
  const expected = room.doc.getText('t').toString()
  for (const c of clients) expect(c.doc.getText('t').toString()).toBe(expected)

  // And the store holds the same document.
  release()
  for (const c of clients) disconnect(c)
  await room.persistence.flush()
  const loaded = await store.load('sim')
  if (loaded.status !== 'found') throw new Error('not stored')
  const fromStore = new Y.Doc()
  for (const u of [loaded.doc.snapshot, ...loaded.doc.updates]) if (u) Y.applyUpdate(fromStore, u)
  expect(fromStore.getText('t').toString()).toBe(expected)
  await registry.shutdown(1001)
}

describe('a room converges under random interleavings and reconnects', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`converges and stores the result (seed ${seed})`, async () => {
      await runSchedule(seed)
    })
  }
})
