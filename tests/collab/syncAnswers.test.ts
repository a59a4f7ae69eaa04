/**
 * A room answers a SyncStep1 only once every update it received before it
 * is stored: the client's save probe takes the answer as proof. Driven over
 * in-memory sockets, with a store the test holds, fails and releases.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { RoomRegistry } from '../../server/collab/registry.ts'
import type { Room } from '../../server/collab/room.ts'
import { decodeMessage, type IncomingMessage } from '../../server/collab/messages.ts'
import { encodeSyncStep1, encodeUpdate } from '../../shared/collabWire.ts'
import { createLogger } from '../../server/log.ts'
import { GatedStore } from './gatedStore.ts'
import { waitFor } from '../support/wait.ts'

interface SimClient {
  doc: Y.Doc
  /** The SyncStep2 payloads received, in order. */
  answers: Uint8Array[]
  edit(text: string): void
  probe(): void
  send(frame: Uint8Array): void
  leave(): void
}

const turn = () => new Promise((r) => setImmediate(r))

describe("a room's answers to SyncStep1", () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanups.splice(0)) c()
  })

  async function setup(): Promise<{ store: GatedStore; room: Room; join: () => SimClient }> {
    const store = new GatedStore()
    const registry = new RoomRegistry({ store, log: createLogger('silent'), compactAfterUpdates: 1000, maxBufferedBytes: 1 << 30, maxDocBytes: 1 << 30, unloadDelayMs: 0 })
    const room = await registry.acquire('answers')
    cleanups.push(room.retain(), () => room.destroy())
    const join = (): SimClient => {
      const doc = new Y.Doc()
      const answers: Uint8Array[] = []
      const conn = room.join(
        {
          send: (data) => {
            const msg: IncomingMessage = decodeMessage(data)
            if (msg.type === 'syncStep2') answers.push(msg.update)
          },
          close: () => {},
          bufferedAmount: 0,
        },
        { readOnly: false },
      )
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'remote') room.receive(conn, encodeUpdate(update))
      })
      return {
        doc,
        answers,
        edit: (text) => doc.getText('t').insert(doc.getText('t').length, text),
        probe: () => room.receive(conn, encodeSyncStep1(doc)),
        send: (frame) => room.receive(conn, frame),
        leave: () => room.leave(conn),
      }
    }
    return { store, room, join }
  }

  /** The text of `client`'s doc (or of an empty one) with `answer` applied, in a copy. */
  function textWith(client: SimClient | null, answer: Uint8Array): string {
    const copy = new Y.Doc()
    if (client) Y.applyUpdate(copy, Y.encodeStateAsUpdate(client.doc))
    Y.applyUpdate(copy, answer)
    return copy.getText('t').toString()
  }

  it('answers at once when nothing waits for storage', async () => {
    const { join } = await setup()
    const a = join()
    a.probe()
    expect(a.answers).toHaveLength(1)
    a.edit('x')
    await turn()
    a.probe()
    expect(a.answers).toHaveLength(2)
  })

  it("holds the answer until the client's earlier edits are stored, and carries nothing received after the probe", async () => {
    const { store, join } = await setup()
    const a = join()
    const b = join()
    store.hold()
    a.edit('mine')
    a.probe()
    b.edit(' later')
    await turn()
    expect(a.answers).toEqual([])

    store.release()
    // Hold b's batch, so its edit is still unstored when a's answer leaves.
    store.hold()
    await waitFor(() => a.answers.length === 1, 'the answer')
    expect(await store.stored('answers')).toHaveLength(1)
    expect(textWith(a, a.answers[0]!)).toBe('mine')
    store.release()
  })

  it('waits through a storage failure and answers once storage recovers', async () => {
    const { store, room, join } = await setup()
    const a = join()
    store.failing = true
    a.edit('kept in memory')
    a.probe()
    await waitFor(() => room.persistence.failing, 'storage failing')
    const attempts = store.batches.length
    await waitFor(() => store.batches.length > attempts + 1, 'retries')
    expect(a.answers).toEqual([])

    store.failing = false
    await waitFor(() => a.answers.length === 1, 'the answer after recovery')
    expect((await store.stored('answers')).length).toBe(1)
  })

  it('answers a fresh client at once while storage fails: it has no edits to prove stored, and the room stays readable', async () => {
    const { store, room, join } = await setup()
    const a = join()
    store.failing = true
    a.edit('kept in memory')
    await waitFor(() => room.persistence.failing, 'storage failing')
    const fresh = join()
    fresh.probe()
    expect(fresh.answers).toHaveLength(1)
    expect(textWith(null, fresh.answers[0]!)).toBe('kept in memory')
    store.failing = false
  })

  it("keeps one connection's answers in order, a fresh client's fast path included", async () => {
    const { store, join } = await setup()
    const a = join()
    const b = join()
    store.hold()
    a.edit('one')
    a.probe()
    b.edit('two')
    // An empty state vector: answered with the whole document, after the
    // answer still waiting.
    a.send(encodeSyncStep1(new Y.Doc()))
    await turn()
    expect(a.answers).toEqual([])
    store.release()
    await waitFor(() => a.answers.length === 2, 'both answers')
    // The first is a diff against a's state (nothing new when it was asked),
    // the second the whole document ('one' and 'two' in client-id order).
    const [first, second] = a.answers.map((answer) => textWith(null, answer))
    expect(first).toBe('')
    expect(second).toHaveLength(6)
    expect(second).toContain('one')
    expect(second).toContain('two')
  })

  it('drops the answer when the connection leaves before it is stored', async () => {
    const { store, join } = await setup()
    const a = join()
    store.hold()
    a.edit('gone')
    a.probe()
    a.leave()
    store.release()
    await waitFor(async () => (await store.stored('answers')).length === 1, 'stored')
    await turn()
    expect(a.answers).toEqual([])
  })
})
