/**
 * Memory: a server that has opened and closed thousands of rooms and
 * connections holds no more than it did before. The server runs in this
 * process, so the heap measured is the server's. The peers are raw
 * y-websocket sockets (a writer with presence and a reader per room), which
 * keeps the client side of the heap, and the CPU, small.
 */
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { RawData } from 'ws'
import { encodeAwareness, encodeUpdate, MessageType, SyncStep } from '../../shared/collabWire.ts'
import { appendParagraph } from '../support/clients.ts'
import { startServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { closeSocket, openAdmitted, storedText } from './helpers.ts'

v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const ROOMS = 2000
const WARMUP_ROOMS = 200
const BATCH = 40
const SLACK_BYTES = 5 * 1024 * 1024

/** Heap in use after full collections, once it stops shrinking. */
async function settledHeap(): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 6; i++) {
    gc()
    await sleep(30)
    best = Math.min(best, process.memoryUsage().heapUsed)
  }
  return best
}

/** One room's life: a writer and a reader join, the writer shows presence and writes, the reader receives it, both leave. */
async function visit(roomUrl: string, text: string): Promise<void> {
  const [writer, reader] = await Promise.all([openAdmitted(roomUrl), openAdmitted(roomUrl)])
  const received = new Promise<void>((resolve) =>
    reader.on('message', (data: RawData) => {
      const bytes = data as Buffer
      if (bytes[0] === MessageType.Sync && bytes[1] === SyncStep.Update) resolve()
    }),
  )
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState({ user: { name: text } })
  writer.send(encodeAwareness(awareness, [doc.clientID]))
  appendParagraph(doc, text)
  writer.send(encodeUpdate(Y.encodeStateAsUpdate(doc)))
  awareness.destroy()
  doc.destroy()
  await received
  await Promise.all([closeSocket(writer), closeSocket(reader)])
}

describe('memory', () => {
  it(`opening and closing ${ROOMS} rooms, each with a writer and a reader, brings the heap back to its baseline`, async () => {
    const srv = await startServer({ ROOM_UNLOAD_DELAY_MS: '0' })
    const { registry, store } = srv.server.context
    try {
      const cycle = async (from: number, count: number) => {
        for (let i = from; i < from + count; i += BATCH) {
          await Promise.all(Array.from({ length: BATCH }, (_, j) => visit(`${srv.wsUrl}/room-${i + j}`, `content of room-${i + j}`)))
        }
        await waitFor(() => registry.size === 0 && registry.connectionCount === 0, 'every room unloaded', 20_000)
      }
      // Warm up first: JIT, SQLite statement caches, socket pools.
      await cycle(0, WARMUP_ROOMS)
      const baseline = await settledHeap()
      const started = Date.now()
      await cycle(WARMUP_ROOMS, ROOMS)
      const growth = (await settledHeap()) - baseline
      expect(growth, `heap grew ${(growth / 1048576).toFixed(2)} MB over ${ROOMS} rooms in ${Date.now() - started} ms`).toBeLessThan(SLACK_BYTES)
      // The rooms were stored and freed, not kept.
      const last = `room-${WARMUP_ROOMS + ROOMS - 1}`
      expect(await storedText(store, last)).toBe(`content of ${last}`)
    } finally {
      await srv.close()
    }
  })
})
