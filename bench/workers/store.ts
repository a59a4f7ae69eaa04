/**
 * Store worker: one `DocStore` and the append workloads of the scale
 * benchmark's store comparison (see bench/lib/storeApi.ts). The update is a
 * typical keystroke (one character into a short text).
 */
import * as Y from 'yjs'
import { PostgresStore } from '../../server/storage/postgres.ts'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import type { DocStore } from '../../server/storage/types.ts'
import { nowUs } from '../lib/clock.ts'
import { serveApi } from '../lib/ipc.ts'
import type { StoreApi } from '../lib/storeApi.ts'

function keystroke(): Uint8Array {
  const d = new Y.Doc()
  d.getText('t').insert(0, 'hello world')
  let update: Uint8Array | null = null
  d.on('update', (u: Uint8Array) => (update = u))
  d.getText('t').insert(5, 'x')
  return update!
}

const UPDATE = keystroke()
const cpuTotal = (u: NodeJS.CpuUsage) => u.user + u.system
let store: DocStore | null = null

function opened(): DocStore {
  if (!store) throw new Error('no store open')
  return store
}

serveApi<StoreApi>({
  open: async (k) => {
    store = k.kind === 'sqlite' ? new SqliteStore({ dataDir: k.dataDir, synchronous: k.synchronous }) : await PostgresStore.open({ url: k.url })
    // The first append creates the schema's rows and warms the statement caches.
    await store.append('warm-up', UPDATE, Date.now())
    return null
  },
  serial: async ({ docId, count }) => {
    const s = opened()
    const latenciesUs: number[] = []
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < count; i++) {
      const t0 = nowUs()
      await s.append(docId, UPDATE, Date.now())
      latenciesUs.push(nowUs() - t0)
      // A new turn, as the next keystroke would arrive in.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    return { latenciesUs, cpuUs: cpuTotal(process.cpuUsage(cpu0)) }
  },
  rooms: async ({ prefix, rooms, turns }) => {
    const s = opened()
    const latenciesUs: number[] = []
    const cpu0 = process.cpuUsage()
    for (let t = 0; t < turns; t++) {
      const t0 = nowUs()
      await Promise.all(Array.from({ length: rooms }, (_, r) => s.append(`${prefix}-${r}`, UPDATE, Date.now())))
      latenciesUs.push(nowUs() - t0)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    return { latenciesUs, cpuUs: cpuTotal(process.cpuUsage(cpu0)) }
  },
  close: async () => {
    await store?.close()
    store = null
    return null
  },
})
