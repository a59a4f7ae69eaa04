/**
 * The WebSocket edge: it accepts upgrades on `/api/collab/<docId>`, checks the
 * id (and, with auth on, the token and origin) before anything loads, then
 * forwards frames and close events to the room. It also pings every socket
 * and drops those that stop answering.
 *
 * It uses `ws` directly (not a generic adapter) for three things the room
 * needs: `maxPayload` to refuse oversized frames before buffering them,
 * `bufferedAmount` for slow-consumer detection, and ping/pong.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { CloseCode, CLOSE_REASONS, type CloseCodeValue } from '../../shared/closeCodes.ts'
import { isValidDocId } from '../../shared/docId.ts'
import type { Logger } from '../log.ts'
import type { RoomRegistry } from './registry.ts'
import { DocumentDeletedError } from './room.ts'
import type { Connection } from './connection.ts'
import type { Room } from './room.ts'
import { WsRoomSocket } from './wsSocket.ts'
import type { Metrics } from '../metrics/index.ts'

export const COLLAB_PATH = '/api/collab/'

export type UpgradeDecision =
  | {
      ok: true
      readOnly: boolean
      /** Token id and expiry (s), to close the socket when revoked or expired. */
      token?: { jti: string; exp: number }
      /** The token's name, whom the connection's edits are credited to (none in open mode). */
      name?: string
    }
  | { ok: false; code: CloseCodeValue; reason?: string }

export interface WsEdgeOptions {
  registry: RoomRegistry
  log: Logger
  pingIntervalMs: number
  maxMessageBytes: number
  maxConnectionsPerIp: number
  maxConnectionsPerDoc: number
  /** The client address (behind a proxy: from X-Forwarded-For). */
  clientIp: (req: IncomingMessage) => string
  /** Access check at the upgrade, before the document loads. */
  authorize?: (req: IncomingMessage, docId: string, url: URL) => UpgradeDecision | Promise<UpgradeDecision>
  /** Several instances: the document's sockets on the others, counted against maxConnectionsPerDoc too. */
  remoteConnections?: (docId: string) => number
  /** A document's socket count here changed (the cluster tells the others soon). */
  onDocCountChange?: () => void
  /** Closes by code, and failed loads, are counted here. */
  metrics?: Metrics
}

/** Longest a timer can wait in Node (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * What the edge keeps per socket, in one object with one set of shared
 * listeners: with 10,000 sockets, per-socket closures and listener arrays
 * are a measurable part of the memory per connection.
 */
class EdgeSocket {
  alive = true
  /** Frames that arrive while the room loads wait here, in order. */
  early: Uint8Array[] | null = null
  target: { room: Room; connection: Connection } | null = null
  /** Set once admitted: counted against its address and document. */
  admitted: { ip: string; docId: string } | null = null
  token: { jti: string; expiry: NodeJS.Timeout | null } | null = null
  /** The document asked for, once the id is valid (for log lines). */
  docId: string | undefined = undefined
  /** The code the server closed with, if it did. */
  closedWith: number | null = null

  constructor(
    readonly edge: WsEdge,
    readonly ws: WebSocket,
    /** The upgrade request's id: the proxy's X-Request-Id, or a fresh one. */
    readonly reqId: string,
  ) {}
}

const EDGE = Symbol('edgeSocket')
type EdgeWs = WebSocket & { [EDGE]: EdgeSocket }
const edgeOf = (ws: WebSocket): EdgeSocket => (ws as EdgeWs)[EDGE]

function onPong(this: WebSocket): void {
  edgeOf(this).alive = true
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const s = edgeOf(this)
  s.alive = true
  if (!isBinary) {
    closeWs(this, CloseCode.ProtocolError, 'text frames are not part of the protocol')
    return
  }
  const bytes = toUint8Array(data)
  if (s.target) s.target.room.receive(s.target.connection, bytes)
  else (s.early ??= []).push(bytes)
}

function onClose(this: WebSocket, code: number): void {
  const s = edgeOf(this)
  s.edge.forget(s, code)
}

function onError(this: WebSocket, err: Error): void {
  edgeOf(this).edge.debug('websocket error', err.message)
}

export class WsEdge {
  private readonly wss: WebSocketServer
  private readonly live = new Set<EdgeSocket>()
  private readonly perIp = new Map<string, number>()
  private readonly perDoc = new Map<string, number>()
  private readonly byToken = new Map<string, Set<WebSocket>>()
  private readonly pingTimer: NodeJS.Timeout
  private accepting = true

  constructor(private readonly opts: WsEdgeOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes, perMessageDeflate: false })
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs)
    this.pingTimer.unref()
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (!url.pathname.startsWith(COLLAB_PATH) || !this.accepting) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.onSocket(ws, req, url))
    })
  }

  get socketCount(): number {
    return this.live.size
  }

  /** Close every socket opened with this token (it was revoked). */
  revokeToken(jti: string): number {
    const sockets = this.byToken.get(jti)
    if (!sockets) return 0
    for (const ws of sockets) closeWs(ws, CloseCode.Unauthorized, 'token revoked')
    return sockets.size
  }

  /** Open sockets per document on this instance. */
  docCounts(): ReadonlyMap<string, number> {
    return this.perDoc
  }

  /** The ids of the tokens that open sockets were admitted with. */
  liveTokens(): string[] {
    return [...this.byToken.keys()]
  }

  /** Stop accepting upgrades and pinging; rooms are closed by the registry. */
  close(): void {
    this.accepting = false
    clearInterval(this.pingTimer)
  }

  private async onSocket(ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> {
    const s = new EdgeSocket(this, ws, requestIdOf(req))
    ;(ws as EdgeWs)[EDGE] = s
    this.live.add(s)
    ws.on('pong', onPong)
    ws.on('message', onMessage)
    ws.on('error', onError)
    ws.on('close', onClose)

    const docId = decodeDocId(url.pathname.slice(COLLAB_PATH.length))
    if (docId === null) return closeWs(ws, CloseCode.InvalidDocId)
    s.docId = docId
    const decision: UpgradeDecision = this.opts.authorize ? await this.opts.authorize(req, docId, url) : { ok: true, readOnly: false }
    if (!decision.ok) return closeWs(ws, decision.code, decision.reason)
    if (ws.readyState !== ws.OPEN) return
    if (!this.admit(s, this.opts.clientIp(req), docId)) return closeWs(ws, CloseCode.TooManyConnections)
    if (decision.token) this.trackToken(s, decision.token)

    try {
      const joined = await this.opts.registry.join(docId, new WsRoomSocket(ws, (code) => this.closed(s, code)), { readOnly: decision.readOnly, ...(decision.name !== undefined && { name: decision.name }) })
      if (ws.readyState !== ws.OPEN) {
        joined.room.leave(joined.connection)
        return
      }
      s.target = joined
      this.opts.log.info('socket joined', { reqId: s.reqId, docId, readOnly: decision.readOnly })
      const early = s.early ?? []
      s.early = null
      for (const bytes of early) joined.room.receive(joined.connection, bytes)
    } catch (err) {
      if (err instanceof DocumentDeletedError) return closeWs(ws, CloseCode.DocumentDeleted)
      // Never serve an empty document in place of one that failed to load.
      this.opts.metrics?.storageLoadErrors.inc()
      this.opts.log.error(`failed to load ${docId}`, { reqId: s.reqId, docId, closeCode: CloseCode.LoadFailed, err })
      closeWs(ws, CloseCode.LoadFailed)
    }
  }

  /** @internal The socket closed: undo everything the edge counted for it. */
  forget(s: EdgeSocket, code: number): void {
    if (!this.live.delete(s)) return
    // The server's own code when it closed; else the client's (1000, 1001, 1005 for none).
    const by = s.closedWith === null ? 'client' : 'server'
    const closeCode = s.closedWith ?? code
    if (by === 'server' && closeCode !== CloseCode.GoingAway) this.opts.log.info('socket refused or dropped', { reqId: s.reqId, docId: s.docId, closeCode })
    else this.opts.log.info('socket closed', { reqId: s.reqId, docId: s.docId, closeCode, by })
    if (s.target) s.target.room.leave(s.target.connection)
    if (s.admitted) {
      decrement(this.perIp, s.admitted.ip)
      decrement(this.perDoc, s.admitted.docId)
      this.opts.onDocCountChange?.()
    }
    if (s.token) {
      if (s.token.expiry) clearTimeout(s.token.expiry)
      const set = this.byToken.get(s.token.jti)
      set?.delete(s.ws)
      if (set?.size === 0) this.byToken.delete(s.token.jti)
    }
  }

  /** @internal The server closed a socket with `code` (a refusal, a slow consumer, shutdown). */
  closed(s: EdgeSocket, code: number): void {
    s.closedWith ??= code
    this.opts.metrics?.wsClosed(code)
  }

  /** @internal */
  debug(message: string, detail: string): void {
    this.opts.log.debug(message, detail)
  }

  /** Count the socket against its address and document, or refuse it. */
  private admit(s: EdgeSocket, ip: string, docId: string): boolean {
    const ipCount = this.perIp.get(ip) ?? 0
    const docCount = this.perDoc.get(docId) ?? 0
    const clusterCount = docCount + (this.opts.remoteConnections?.(docId) ?? 0)
    if (ipCount >= this.opts.maxConnectionsPerIp || clusterCount >= this.opts.maxConnectionsPerDoc) return false
    this.perIp.set(ip, ipCount + 1)
    this.perDoc.set(docId, docCount + 1)
    s.admitted = { ip, docId }
    this.opts.onDocCountChange?.()
    return true
  }

  private trackToken(s: EdgeSocket, token: { jti: string; exp: number }): void {
    let set = this.byToken.get(token.jti)
    if (!set) this.byToken.set(token.jti, (set = new Set()))
    set.add(s.ws)
    const ms = token.exp * 1000 - Date.now()
    const expiry = ms < MAX_TIMER_MS ? setTimeout(() => closeWs(s.ws, CloseCode.Unauthorized, 'token expired'), Math.max(0, ms)) : null
    expiry?.unref()
    s.token = { jti: token.jti, expiry }
  }

  private pingAll(): void {
    for (const s of this.live) {
      const ws = s.ws
      if (!s.alive) {
        // No pong since the last ping: the peer is gone or stuck. terminate()
        // skips the close handshake it could not answer anyway.
        this.closed(s, CloseCode.Timeout)
        ws.terminate()
        continue
      }
      s.alive = false
      ws.ping()
    }
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1
  if (n <= 0) map.delete(key)
  else map.set(key, n)
}

const REQUEST_ID = /^[\w\-=]{1,255}$/

/** As hono's requestId middleware: the proxy's X-Request-Id when it is sane, else a fresh UUID. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

function decodeDocId(raw: string): string | null {
  // Ids are plain ASCII; anything percent-encoded is not a valid id anyway.
  return isValidDocId(raw) ? raw : null
}

function closeWs(ws: WebSocket, code: CloseCodeValue, reason: string = CLOSE_REASONS[code]): void {
  if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return
  ws.close(code, reason)
  const s = edgeOf(ws)
  s.edge.closed(s, code)
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
