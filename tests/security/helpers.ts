/**
 * Fixtures shared by the security tests: tokens signed with the test secret,
 * raw sockets that report how the server closed them, API calls that return
 * parsed JSON, and a store that counts loads and can pretend the disk is full.
 */
import http from 'node:http'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { expect } from 'vitest'
import { mintToken } from '../../server/auth/tokens.ts'
import type { Role } from '../../shared/roles.ts'
import { MemoryStore } from '../../server/storage/memory.ts'
import type { DocStore, LoadResult } from '../../server/storage/types.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { appendParagraph, fragmentText, type TestClient } from '../support/clients.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { anchorInBlock, requester } from '../support/aiClient.ts'

export const SECRET = 'security-tests-secret-0123456789abcdef'

export async function tokenFor(doc: string, role: Role, opts: { ttlSeconds?: number; name?: string; secret?: string } = {}): Promise<string> {
  const { token } = await mintToken(opts.secret ?? SECRET, { doc, role, name: opts.name ?? role, ttlSeconds: opts.ttlSeconds ?? 3600 })
  return token
}

export interface Closed {
  code: number
  reason: string
}

/** Open a raw socket, send `frames` once it is open, and resolve with how the server closed it. */
export function closeOf(url: string, opts: { headers?: Record<string, string>; frames?: (Uint8Array | string)[]; timeoutMs?: number } = {}): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: opts.headers ?? {} })
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`the server did not close ${url.slice(0, 120)}`))
    }, opts.timeoutMs ?? 5000)
    ws.on('open', () => {
      for (const f of opts.frames ?? []) ws.send(f)
    })
    ws.on('close', (code, reason) => {
      clearTimeout(timer)
      resolve({ code, reason: reason.toString() })
    })
    ws.on('error', () => {})
  })
}

/**
 * Open a raw socket and resolve once the server has admitted it into the
 * room (its first message, the room's SyncStep1), or reject with the close.
 */
export function openAdmitted(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('message', () => resolve(ws))
    ws.once('close', (code, reason) => reject(new Error(`closed with ${code} ${reason.toString()}`)))
    ws.on('error', () => {})
  })
}

/** Resolves with the code of the next close the client's provider sees. */
export function nextClose(c: TestClient): Promise<number> {
  return new Promise((resolve) => c.provider.once('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? 0)))
}

/** The `user.name` a client sees in the awareness state of client `id`. */
export function userName(c: TestClient, id: number): string | undefined {
  return (c.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name
}

export function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve()
  return new Promise((resolve) => {
    ws.once('close', () => resolve())
    ws.close()
  })
}

export interface ApiReply {
  status: number
  headers: Headers
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown
}

/**
 * One API request on its own connection. A kept-alive connection could carry
 * over from a request the server refused before reading its body, which
 * @hono/node-server closes if draining that body stalls (as it can on a
 * loaded machine); a fresh connection keeps each request's fate its own.
 */
export function call(
  base: string,
  path: string,
  opts: { method?: string; token?: string; body?: string | object; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const body = typeof opts.body === 'string' || opts.body === undefined ? opts.body : JSON.stringify(opts.body)
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json'
    headers['content-length'] = String(Buffer.byteLength(body))
  }
  // Parsed as fetch would: percent-encoded, dot segments resolved, no fragment.
  const url = new URL(`${base}${path}`)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const replyHeaders = new Headers()
          for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) replyHeaders.append(k, one)
          try {
            const parsed: unknown = (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text
            resolve({ status: res.statusCode ?? 0, headers: replyHeaders, body: parsed })
          } catch (err) {
            reject(err)
          }
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The one error shape of the API: `{ error: { code, message } }`. */
export function expectApiError(reply: ApiReply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status)
  const err = (reply.body as { error?: { code?: unknown; message?: unknown } }).error
  expect(typeof err?.code).toBe('string')
  expect(typeof err?.message).toBe('string')
  expect((err!.message as string).length).toBeGreaterThan(3)
  if (code) expect(err!.code).toBe(code)
}

/** A memory store that counts loads and can fail appends as a full disk would. */
export class TestStore extends MemoryStore {
  loads = 0
  diskFull = false
  failedAppends = 0

  override async load(id: string): Promise<LoadResult> {
    this.loads++
    return super.load(id)
  }

  override async append(id: string, update: Uint8Array, now: number): Promise<number> {
    if (this.diskFull) {
      this.failedAppends++
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    }
    return super.append(id, update, now)
  }
}

/** True if state vector `a` includes everything in state vector `b`. */
export function covers(a: Uint8Array, b: Uint8Array): boolean {
  const sa = Y.decodeStateVector(a)
  for (const [client, clock] of Y.decodeStateVector(b)) if ((sa.get(client) ?? 0) < clock) return false
  return true
}

/** The stored form of a document, byte for byte, as one comparable string. */
export async function storedBytes(store: DocStore, docId: string): Promise<string> {
  const r = await store.load(docId)
  if (r.status !== 'found') return r.status
  const hex = (u: Uint8Array) => Buffer.from(u).toString('hex')
  return [r.doc.snapshot ? hex(r.doc.snapshot) : '-', ...r.doc.updates.map(hex)].join('|')
}

/** The stored document, loaded into a fresh Y.Doc. */
export async function storedDoc(store: DocStore, docId: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const r = await store.load(docId)
  if (r.status === 'found') {
    const parts = r.doc.snapshot ? [r.doc.snapshot, ...r.doc.updates] : r.doc.updates
    if (parts.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(parts))
  }
  return doc
}

export async function storedText(store: DocStore, docId: string): Promise<string> {
  return fragmentText((await storedDoc(store, docId)).getXmlFragment(DOC_FIELD))
}

/** Write a first paragraph through `client` and wait until the server holds it. */
export async function seedParagraph(srv: TestServer, client: TestClient, docId: string, text: string): Promise<void> {
  appendParagraph(client.doc, text)
  await waitFor(() => {
    const room = srv.server.context.registry.get(docId)
    return room && fragmentText(room.fragment).includes(text)
  }, `server has "${text}"`)
}

/** A valid `continue` request anchored at the start of the client's first block. */
export function aiRequest(client: TestClient, name = 'Ada', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { op: 'continue', anchor: { from: anchorInBlock(client.doc, 0, 0) }, requester: requester(name), ...extra }
}
