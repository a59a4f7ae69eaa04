/**
 * Raw y-websocket clients for the connections benchmark. Each socket does
 * what a WebsocketProvider on an idle tab does:
 *   on open     send SyncStep1 (its state vector) and its awareness state
 *   SyncStep1   answer with SyncStep2 (its diff against the server's vector)
 *   SyncStep2   it is synced
 *   awareness   entries newer than it knew are sent back to the server, as
 *               a provider does: y-websocket re-broadcasts every awareness
 *               change it applies, remote ones included
 *   every 15 s  renew its awareness state (y-protocols' outdatedTimeout / 2)
 * and answers pings (ws does). Its document is empty, so the frames are
 * built once: the server does the same work as for a real client, the load
 * generator keeps no Y.Doc.
 *
 * As a probe (`scanMarkers`), a socket also finds the typing benchmark's
 * `[key:seq:t]` markers in the raw bytes of each update frame (Yjs stores
 * inserted text as UTF-8) and notes their latency on arrival. In a process
 * of its own that does nothing else, this is the server's delivery time
 * without the queueing of hundreds of Y.Docs on the load generator's cores.
 * With `scanTokens`, it does the same for the AI benchmark's tokens
 * (`j<job>t<index>x`), noting when each first arrives.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { nowUs } from '../lib/clock.ts'
import { serveApi } from '../lib/ipc.ts'
import type { IdleApi, IdleStatus } from '../lib/idleApi.ts'

const MSG_SYNC = 0
const MSG_AWARENESS = 1
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
const MARKER = /\[(\d+):(\d+):(\d+)\]/g
const probeLatencies: number[] = []
const TOKEN = /j(\d+)t(\d+)x/g
/** First arrival per AI token: job, index and time (µs), flat. */
const tokenArrivals: number[] = []
const tokensSeen = new Set<string>()

const emptyDoc = new Y.Doc()

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

const SYNC_STEP1 = frame((e) => {
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, STEP1)
  encoding.writeVarUint8Array(e, Y.encodeStateVector(emptyDoc))
})
// An empty document's diff against any state vector is the same empty update.
const SYNC_STEP2 = frame((e) => {
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, STEP2)
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(emptyDoc))
})

function awarenessFrame(clientId: number, clock: number): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MSG_AWARENESS)
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify({ user: { name: `idle ${clientId}`, color: '#3366ff' } }))
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  })
}

interface Conn {
  ws: WebSocket
  opened: boolean
  synced: boolean
  renew: NodeJS.Timeout | null
  /** Awareness clock per client id, as the provider's Awareness keeps it. */
  clocks: Map<number, number>
}

/**
 * The entries of an awareness update that are newer than `clocks`,
 * re-encoded as the provider would send them back (or null if none are).
 */
function newerAwareness(update: Uint8Array, clocks: Map<number, number>): Uint8Array | null {
  const d = decoding.createDecoder(update)
  const n = decoding.readVarUint(d)
  const fresh: [number, number, string][] = []
  for (let i = 0; i < n; i++) {
    const id = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    const state = decoding.readVarString(d)
    if (clock > (clocks.get(id) ?? 0)) {
      clocks.set(id, clock)
      fresh.push([id, clock, state])
    }
  }
  if (fresh.length === 0) return null
  return frame((e) => {
    encoding.writeVarUint(e, MSG_AWARENESS)
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, fresh.length)
    for (const [id, clock, state] of fresh) {
      encoding.writeVarUint(inner, id)
      encoding.writeVarUint(inner, clock)
      encoding.writeVarString(inner, state)
    }
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  })
}

const conns = new Set<Conn>()
const status: IdleStatus = { open: 0, synced: 0, drops: 0, closeCodes: {}, framesIn: 0, bytesIn: 0, awarenessSent: 0 }

function connect(url: string, timeoutMs: number, renewMs: number, scanMarkers: boolean, scanTokens: boolean): Promise<number> {
  const t0 = nowUs()
  const clientId = 1 + Math.floor(Math.random() * 0xfffffffe)
  let clock = 0
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const conn: Conn = { ws, opened: false, synced: false, renew: null, clocks: new Map() }
    conns.add(conn)
    const timer = setTimeout(() => {
      reject(new Error('timeout'))
      ws.terminate()
    }, timeoutMs)
    ws.on('open', () => {
      conn.opened = true
      status.open++
      ws.send(SYNC_STEP1)
      conn.clocks.set(clientId, ++clock)
      ws.send(awarenessFrame(clientId, clock))
      status.awarenessSent++
      conn.renew = setInterval(() => {
        conn.clocks.set(clientId, ++clock)
        ws.send(awarenessFrame(clientId, clock))
        status.awarenessSent++
      }, renewMs)
    })
    ws.on('message', (data: Buffer) => {
      const at = scanMarkers || scanTokens ? nowUs() : 0
      status.framesIn++
      status.bytesIn += data.byteLength
      const d = decoding.createDecoder(data)
      const type = decoding.readVarUint(d)
      if (type === MSG_AWARENESS) {
        const echo = newerAwareness(decoding.readVarUint8Array(d), conn.clocks)
        if (echo) {
          ws.send(echo)
          status.awarenessSent++
        }
        return
      }
      if (type !== MSG_SYNC) return
      const step = decoding.readVarUint(d)
      if (step === UPDATE && scanMarkers) {
        for (const m of data.toString('latin1').matchAll(MARKER)) probeLatencies.push(at - Number(m[3]))
      } else if (step === UPDATE && scanTokens) {
        for (const m of data.toString('latin1').matchAll(TOKEN)) {
          if (tokensSeen.has(m[0])) continue
          tokensSeen.add(m[0])
          tokenArrivals.push(Number(m[1]), Number(m[2]), at)
        }
      } else if (step === STEP1) ws.send(SYNC_STEP2)
      else if (step === STEP2 && !conn.synced) {
        conn.synced = true
        status.synced++
        clearTimeout(timer)
        resolve((nowUs() - t0) / 1000)
      }
    })
    ws.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    ws.on('close', (code) => {
      if (conn.renew) clearInterval(conn.renew)
      conns.delete(conn)
      if (conn.opened) status.open--
      status.closeCodes[code] = (status.closeCodes[code] ?? 0) + 1
      if (conn.synced) {
        status.drops++
        status.synced--
      } else {
        clearTimeout(timer)
        reject(new Error(`closed with ${code} before sync`))
      }
    })
  })
}

serveApi<IdleApi>({
  open: async ({ wsUrl, docIds, concurrency, timeoutMs, renewAwarenessMs, scanMarkers, scanTokens }) => {
    const connectMs: number[] = []
    const errors: string[] = []
    let failed = 0
    let next = 0
    const lane = async () => {
      while (next < docIds.length) {
        const docId = docIds[next++]!
        try {
          connectMs.push(await connect(`${wsUrl}/${docId}`, timeoutMs, renewAwarenessMs, scanMarkers ?? false, scanTokens ?? false))
        } catch (err) {
          failed++
          if (errors.length < 5) errors.push((err as Error).message)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane))
    return { synced: connectMs.length, failed, connectMs, errors }
  },
  tokenArrivals: () => {
    const flat = Float64Array.from(tokenArrivals.splice(0))
    tokensSeen.clear()
    return { flat }
  },
  status: () => ({ ...status, closeCodes: { ...status.closeCodes } }),
  probeSamples: () => {
    const latenciesUs = Float64Array.from(probeLatencies.splice(0))
    return { latenciesUs, count: latenciesUs.length }
  },
  close: async () => {
    const closing = [...conns].map((c) => new Promise<void>((resolve) => {
      c.ws.once('close', () => resolve())
      c.ws.close()
    }))
    // Our own closes are not drops.
    const dropsBefore = status.drops
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 5000))])
    status.drops = dropsBefore
    return null
  },
})
