/**
 * A load-generator process holding real y-websocket clients (one Y.Doc and
 * one `WebsocketProvider` each, over `ws`), as a browser tab would: it sends
 * SyncStep1 and its awareness state on connect, answers the server's
 * SyncStep1, applies every update, and renews its awareness every 15 s.
 *
 * Observation happens in `observeDeep` on the document, i.e. after Yjs has
 * applied the update: the latency includes this process's own work, as it
 * would for a real client. See bench/lib/collabApi.ts for the measurement.
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { toBase64 } from 'lib0/buffer'
import { nowUs, sleepUntil, waitUntil } from '../lib/clock.ts'
import { serveApi } from '../lib/ipc.ts'
import type { ClientReport, ClientSpec, CollabApi, ObserveMode, WriterPlan } from '../lib/collabApi.ts'
import { DOC_FIELD, docText, nodeText, paragraph, paragraphText, sha1 } from '../lib/ydoc.ts'

// y-websocket adds a process 'exit' listener per provider; hundreds are expected here.
process.setMaxListeners(0)

const MARKER = /\[(\d+):(\d+):(\d+)\]/g
const TOKEN = /j(\d+)t(\d+)x/g

class BenchClient {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  observed = 0
  latencies: number[] = []
  sentAt: number[] = []
  remoteUpdates = 0
  firstUpdateUs = 0
  lastUpdateUs = 0
  drops = 0
  synced = false
  /** Tokens mode: first sighting of job*1e6+index (`observed` counts them). */
  tokens = new Map<number, number>()

  constructor(
    readonly spec: ClientSpec,
    wsUrl: string,
    private readonly mode: ObserveMode,
  ) {
    this.provider = new WebsocketProvider(wsUrl, spec.docId, this.doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // Node has BroadcastChannel: clients in one process would otherwise
      // sync through it and skip the server.
      disableBc: true,
      connect: false,
    })
    // What an editor tab announces (name and color), so awareness frames have a realistic size.
    this.provider.awareness.setLocalStateField('user', { name: `bench ${spec.key}`, color: '#3366ff' })
    this.doc.getXmlFragment(DOC_FIELD).observeDeep(this.onEvents)
    this.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (origin !== this.provider) return
      const t = nowUs()
      if (this.remoteUpdates++ === 0) this.firstUpdateUs = t
      this.lastUpdateUs = t
    })
    this.provider.on('connection-close', () => {
      if (this.synced) this.drops++
    })
  }

  /** Connect and resolve with ms to the first 'sync', or reject after `timeoutMs`. */
  connect(timeoutMs: number): Promise<number> {
    const t0 = nowUs()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${this.spec.key} not synced after ${timeoutMs} ms`)), timeoutMs)
      const onSync = (isSynced: boolean) => {
        if (!isSynced) return
        this.provider.off('sync', onSync)
        clearTimeout(timer)
        this.synced = true
        this.desynchronizeAwareness()
        resolve((nowUs() - t0) / 1000)
      }
      this.provider.on('sync', onSync)
      this.provider.connect()
    })
  }

  /**
   * y-protocols renews a client's awareness state 15 s after its last
   * change. Tabs in a real document opened at different times, so their
   * renewals are spread out; clients the harness connects in one burst would
   * all renew in the same second 15 s later, a storm of N×N awareness frames
   * that is an artifact of the harness, not of the workload. One renewal at a
   * random moment in the first 15 s gives each client its own phase.
   */
  private desynchronizeAwareness(): void {
    const timer = setTimeout(() => {
      if (this.provider.wsconnected) this.provider.awareness.setLocalState(this.provider.awareness.getLocalState())
    }, Math.random() * 15_000)
    timer.unref()
  }

  private readonly onEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const t = nowUs()
    for (const e of events) {
      if (e.transaction.local) continue
      for (const op of e.delta) {
        if (typeof op.insert === 'string') this.scan(op.insert, t)
        // A block created together with its text reports only the block.
        else if (Array.isArray(op.insert)) for (const node of op.insert) this.scan(nodeText(node), t)
      }
    }
  }

  private scan(text: string, t: number): void {
    if (this.mode === 'markers') {
      for (const m of text.matchAll(MARKER)) {
        this.observed++
        this.latencies.push(t - Number(m[3]))
        this.sentAt.push(Number(m[3]))
      }
    } else {
      for (const m of text.matchAll(TOKEN)) {
        const id = Number(m[1]) * 1e6 + Number(m[2])
        if (this.tokens.has(id)) continue
        this.tokens.set(id, t)
        this.observed++
      }
    }
  }

  reset(): void {
    this.observed = 0
    this.latencies = []
    this.sentAt = []
    this.remoteUpdates = 0
    this.tokens.clear()
  }

  report(): ClientReport {
    const text = docText(this.doc)
    const ids = [...this.tokens.keys()]
    return {
      key: this.spec.key,
      docId: this.spec.docId,
      observed: this.observed,
      latenciesUs: Float64Array.from(this.latencies),
      sentUs: Float64Array.from(this.sentAt),
      stateVector: toBase64(Y.encodeStateVector(this.doc)),
      textSha1: sha1(text),
      textLength: text.length,
      remoteUpdates: this.remoteUpdates,
      firstUpdateUs: this.firstUpdateUs,
      lastUpdateUs: this.lastUpdateUs,
      drops: this.drops,
      tokenJobs: Int32Array.from(ids, (id) => Math.floor(id / 1e6)),
      tokenIndexes: Int32Array.from(ids, (id) => id % 1e6),
      tokenSeenUs: Float64Array.from(ids, (id) => this.tokens.get(id)!),
    }
  }

  destroy(): void {
    this.provider.destroy()
    this.doc.destroy()
  }
}

const clients = new Map<number, BenchClient>()

function client(key: number): BenchClient {
  const c = clients.get(key)
  if (!c) throw new Error(`no client ${key} in this worker`)
  return c
}

async function open(wsUrl: string, specs: ClientSpec[], mode: ObserveMode, concurrency: number, timeoutMs: number) {
  const connectMs: number[] = []
  let failed = 0
  let next = 0
  // A bounded number of handshakes in flight, like tabs opening over time
  // rather than one SYN flood against the listen backlog.
  const lane = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!
      const c = new BenchClient(spec, wsUrl, mode)
      clients.set(spec.key, c)
      try {
        connectMs.push(await c.connect(timeoutMs))
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane))
  return { synced: connectMs.length, failed, connectMs }
}

async function runWriter(w: WriterPlan): Promise<number> {
  const c = client(w.key)
  const text = paragraphText(c.doc, w.paragraph)
  for (let seq = 0; seq < w.count; seq++) {
    await sleepUntil(w.startAtUs + seq * w.intervalMs * 1000)
    // One transaction per insert: one update on the wire, as a keystroke.
    text.insert(text.length, `[${w.key}:${seq}:${Math.round(nowUs())}] `)
  }
  return w.count
}

serveApi<CollabApi>({
  open: ({ wsUrl, clients: specs, observe, concurrency, timeoutMs }) => open(wsUrl, specs, observe, concurrency, timeoutMs),
  seed: ({ key, paragraphs, text }) => {
    const c = client(key)
    const frag = c.doc.getXmlFragment(DOC_FIELD)
    c.doc.transact(() => frag.push(Array.from({ length: paragraphs }, () => paragraph(text))))
    const t = paragraphText(c.doc, 0)
    return { anchor: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(t, t.length))) }
  },
  waitBlocks: async ({ paragraphs, timeoutMs }) => {
    await waitUntil(() => [...clients.values()].every((c) => c.doc.getXmlFragment(DOC_FIELD).length >= paragraphs), `${paragraphs} blocks everywhere`, timeoutMs)
    return null
  },
  type: async ({ writers }) => ({ inserts: (await Promise.all(writers.map(runWriter))).reduce((a, b) => a + b, 0) }),
  drain: async ({ expected, timeoutMs }) => {
    const missing = () => expected.reduce((n, [key, count]) => n + Math.max(0, count - client(key).observed), 0)
    try {
      await waitUntil(() => missing() === 0, 'every marker observed', timeoutMs)
    } catch {
      // Reported as missing; the coordinator decides.
    }
    return { missing: missing() }
  },
  reset: () => {
    for (const c of clients.values()) c.reset()
    return null
  },
  collect: () => [...clients.values()].map((c) => c.report()),
  close: () => {
    for (const c of clients.values()) c.destroy()
    clients.clear()
    return null
  },
})
