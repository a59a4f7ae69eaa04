/**
 * Builds a document with a long edit history through the server, the way
 * people would: consecutive sessions (a fresh Y.Doc and client id each, like
 * a browser tab opened later) that each make thousands of small edits at
 * random places (1–6 characters typed, 10% deletions of 1–3 characters, 1%
 * new paragraphs), each edit its own update. Every update is stored by the
 * server as it arrives, so the history ends up in its log and snapshots.
 *
 * A watcher client stays connected throughout: the server broadcasts an
 * update only after storing it, so when the watcher has everything, so does
 * the server's storage.
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { fromBase64, toBase64 } from 'lib0/buffer'
import { nowUs, waitUntil } from '../lib/clock.ts'
import type { ColdApi } from '../lib/coldApi.ts'
import { serveApi } from '../lib/ipc.ts'
import { edit, rng } from '../lib/editHistory.ts'
import { docText } from '../lib/ydoc.ts'

function provider(wsUrl: string, docId: string, doc: Y.Doc, polyfill: unknown = WebSocket): WebsocketProvider {
  return new WebsocketProvider(wsUrl, docId, doc, { WebSocketPolyfill: polyfill as unknown as typeof globalThis.WebSocket, disableBc: true })
}

/**
 * A `ws` WebSocket that notes when the first SyncStep2 frame has fully
 * arrived, before the provider applies it: the split between the server's
 * part of a cold load (load, encode, send) and the client's (apply).
 */
function timedSocket(onStep2: () => void): unknown {
  return class TimedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols)
      // Registered before the provider's onmessage, so it runs first.
      this.on('message', (data: Buffer | ArrayBuffer) => {
        // The provider asks for ArrayBuffers.
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(2, data.byteLength)) : data
        if (bytes[0] === 0 && bytes[1] === 1) onStep2()
      })
    }
  }
}

function synced(p: WebsocketProvider): Promise<void> {
  return new Promise((resolve) => {
    if (p.synced) return resolve()
    const on = (s: boolean) => {
      if (!s) return
      p.off('sync', on)
      resolve()
    }
    p.on('sync', on)
  })
}

function covers(doc: Y.Doc, target: Map<number, number>): boolean {
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [client, clock] of target) if ((sv.get(client) ?? 0) < clock) return false
  return true
}

let watcher: { doc: Y.Doc; p: WebsocketProvider } | null = null

serveApi<ColdApi>({
  build: async ({ wsUrl, docId, edits, sessions, seed }) => {
    const t0 = nowUs()
    const r = rng(seed)
    const wdoc = new Y.Doc()
    watcher = { doc: wdoc, p: provider(wsUrl, docId, wdoc) }
    await synced(watcher.p)
    let last = wdoc
    const perSession = Math.ceil(edits / sessions)
    for (let s = 0; s < sessions; s++) {
      const doc = new Y.Doc()
      const p = provider(wsUrl, docId, doc)
      await synced(p)
      const n = Math.min(perSession, edits - s * perSession)
      for (let i = 0; i < n; i++) {
        edit(doc, r)
        // Let the socket drain now and then instead of queueing 10k frames.
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve))
      }
      const target = Y.decodeStateVector(Y.encodeStateVector(doc))
      await waitUntil(() => covers(wdoc, target), `watcher has session ${s}`, 300_000, 50)
      p.destroy()
      if (last !== wdoc) last.destroy()
      last = doc
    }
    if (last !== wdoc) last.destroy()
    const state = Y.encodeStateAsUpdate(wdoc)
    return {
      edits,
      stateVector: toBase64(Y.encodeStateVector(wdoc)),
      stateBytes: state.byteLength,
      textLength: docText(wdoc).length,
      ms: (nowUs() - t0) / 1000,
    }
  },
  release: () => {
    watcher?.p.destroy()
    watcher?.doc.destroy()
    watcher = null
    return null
  },
  join: ({ wsUrl, docId, stateVector, timeoutMs }) => {
    const target = Y.decodeStateVector(fromBase64(stateVector))
    const t0 = nowUs()
    const doc = new Y.Doc()
    let frameUs = 0
    let contentUs = 0
    let syncUs = 0
    let syncedBeforeContent = false
    return new Promise((resolve, reject) => {
      const p = provider(wsUrl, docId, doc, timedSocket(() => (frameUs ||= nowUs())))
      const finish = () => {
        if (!contentUs || !syncUs) return
        clearTimeout(timer)
        p.destroy()
        doc.destroy()
        resolve({ frameMs: (frameUs - t0) / 1000, contentMs: (contentUs - t0) / 1000, syncMs: (syncUs - t0) / 1000, syncedBeforeContent })
      }
      const timer = setTimeout(() => {
        p.destroy()
        doc.destroy()
        reject(new Error(`join of ${docId}: no content after ${timeoutMs} ms`))
      }, timeoutMs)
      doc.on('update', () => {
        if (contentUs || !covers(doc, target)) return
        contentUs = nowUs()
        finish()
      })
      p.on('sync', (s: boolean) => {
        if (!s || syncUs) return
        syncUs = nowUs()
        if (!contentUs) syncedBeforeContent = true
        finish()
      })
    })
  },
})
