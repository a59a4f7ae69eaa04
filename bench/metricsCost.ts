/**
 * `npx tsx bench/metricsCost.ts`: what counting costs on the hot path, in
 * process, without the network. One room with 100 in-memory sockets takes
 * 20,000 typed updates (one character each) from one of them and broadcasts
 * each to the other 99, with the server's metrics and without; the rounds
 * alternate so the shared VM's drift hits both alike. Reports CPU per update
 * (receive, store in memory, broadcast to 99).
 */
import * as Y from 'yjs'
import { encodeUpdate } from '../shared/collabWire.ts'
import { RoomRegistry } from '../server/collab/registry.ts'
import { createLogger } from '../server/log.ts'
import { Metrics } from '../server/metrics/index.ts'
import { MemoryStore } from '../server/storage/memory.ts'

const PEERS = 100
const UPDATES = 20_000
const ROUNDS = 7
const BATCH = 50

function typedFrames(): Uint8Array[] {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  const frames: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => frames.push(encodeUpdate(u)))
  for (let i = 0; i < UPDATES; i++) text.insert(i, 'x')
  return frames
}

async function round(frames: Uint8Array[], metrics: Metrics | undefined): Promise<number> {
  const registry = new RoomRegistry({ store: new MemoryStore(), log: createLogger('silent'), compactAfterUpdates: 1e9, maxBufferedBytes: 1 << 30, maxDocBytes: 1 << 30, unloadDelayMs: 0, ...(metrics && { metrics }) })
  const socket = { send: () => {}, sendShared: () => {}, close: () => {}, bufferedAmount: 0 }
  const joined = await Promise.all(Array.from({ length: PEERS }, () => registry.join('doc', socket, { readOnly: false })))
  const { room, connection } = joined[0]!
  const cpu = process.cpuUsage()
  for (let i = 0; i < frames.length; i += BATCH) {
    for (let j = i; j < Math.min(i + BATCH, frames.length); j++) room.receive(connection, frames[j]!)
    await room.sent()
  }
  const used = process.cpuUsage(cpu)
  await registry.shutdown(1001)
  return (used.user + used.system) / frames.length
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const frames = typedFrames()
const without: number[] = []
const withMetrics: number[] = []
await round(frames, undefined) // warm-up
for (let r = 0; r < ROUNDS; r++) {
  without.push(await round(frames, undefined))
  const m = new Metrics()
  withMetrics.push(await round(frames, m))
  if (m.hot.updatesReceived !== UPDATES || m.hot.updatesBroadcast !== UPDATES * (PEERS - 1)) throw new Error(`counted ${m.hot.updatesReceived}/${m.hot.updatesBroadcast}`)
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ')
console.log(`CPU per update (µs), ${PEERS} sockets, ${UPDATES} updates, ${ROUNDS} rounds each, alternating`)
console.log(`  without metrics: median ${median(without).toFixed(2)}  (${fmt(without)})`)
console.log(`  with metrics:    median ${median(withMetrics).toFixed(2)}  (${fmt(withMetrics)})`)
