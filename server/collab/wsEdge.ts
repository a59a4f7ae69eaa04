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

export const COLLAB_PATH = '/api/collab/'

export type UpgradeDecision =
  | { ok: true; readOnly: boolean; /** Token id and expiry (s), to close the socket when revoked or expired. */ token?: { jti: string; exp: number } }
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
}

/** Longest a timer can wait in Node (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

interface Liveness {
  alive: boolean
}

export class WsEdge {
  private readonly wss: WebSocketServer
  private readonly live = new Map<WebSocket, Liveness>()
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

  /** Stop accepting upgrades and pinging; rooms are closed by the registry. */
  close(): void {
    this.accepting = false
    clearInterval(this.pingTimer)
  }

  private async onSocket(ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> {
    const liveness: Liveness = { alive: true }
    this.live.set(ws, liveness)
    ws.on('pong', () => (liveness.alive = true))
    // Frames that arrive while the room loads wait here, in order.
    const early: Uint8Array[] = []
    let target: { room: Room; connection: Connection } | null = null
    ws.on('message', (data: RawData, isBinary: boolean) => {
      liveness.alive = true
      if (!isBinary) {
        closeWs(ws, CloseCode.ProtocolError, 'text frames are not part of the protocol')
        return
      }
      const bytes = toUint8Array(data)
      if (target) target.room.receive(target.connection, bytes)
      else early.push(bytes)
    })
    ws.on('error', (err) => this.opts.log.debug('websocket error', err.message))
    ws.on('close', () => {
      this.live.delete(ws)
      if (target) target.room.leave(target.connection)
    })

    const docId = decodeDocId(url.pathname.slice(COLLAB_PATH.length))
    if (docId === null) return closeWs(ws, CloseCode.InvalidDocId)
    const decision: UpgradeDecision = this.opts.authorize ? await this.opts.authorize(req, docId, url) : { ok: true, readOnly: false }
    if (!decision.ok) return closeWs(ws, decision.code, decision.reason)
    if (ws.readyState !== ws.OPEN) return
    if (!this.admit(ws, this.opts.clientIp(req), docId)) return closeWs(ws, CloseCode.TooManyConnections)
    if (decision.token) this.trackToken(ws, decision.token)

    try {
      const joined = await this.opts.registry.join(docId, wsAdapter(ws), { readOnly: decision.readOnly })
      if (ws.readyState !== ws.OPEN) {
        joined.room.leave(joined.connection)
        return
      }
      target = joined
      for (const bytes of early.splice(0)) joined.room.receive(joined.connection, bytes)
    } catch (err) {
      if (err instanceof DocumentDeletedError) return closeWs(ws, CloseCode.DocumentDeleted)
      // Never serve an empty document in place of one that failed to load.
      this.opts.log.error(`failed to load ${docId}`, err)
      closeWs(ws, CloseCode.LoadFailed)
    }
  }

  /** Count the socket against its address and document, or refuse it. */
  private admit(ws: WebSocket, ip: string, docId: string): boolean {
    const ipCount = this.perIp.get(ip) ?? 0
    const docCount = this.perDoc.get(docId) ?? 0
    if (ipCount >= this.opts.maxConnectionsPerIp || docCount >= this.opts.maxConnectionsPerDoc) return false
    this.perIp.set(ip, ipCount + 1)
    this.perDoc.set(docId, docCount + 1)
    ws.once('close', () => {
      decrement(this.perIp, ip)
      decrement(this.perDoc, docId)
    })
    return true
  }

  private trackToken(ws: WebSocket, token: { jti: string; exp: number }): void {
    let set = this.byToken.get(token.jti)
    if (!set) this.byToken.set(token.jti, (set = new Set()))
    set.add(ws)
    const ms = token.exp * 1000 - Date.now()
    const timer = ms < MAX_TIMER_MS ? setTimeout(() => closeWs(ws, CloseCode.Unauthorized, 'token expired'), Math.max(0, ms)) : null
    timer?.unref()
    ws.once('close', () => {
      if (timer) clearTimeout(timer)
      set.delete(ws)
      if (set.size === 0) this.byToken.delete(token.jti)
    })
  }

  private pingAll(): void {
    for (const [ws, l] of this.live) {
      if (!l.alive) {
        // No pong since the last ping: the peer is gone or stuck. terminate()
        // skips the close handshake it could not answer anyway.
        ws.terminate()
        continue
      }
      l.alive = false
      ws.ping()
    }
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1
  if (n <= 0) map.delete(key)
  else map.set(key, n)
}

function decodeDocId(raw: string): string | null {
  // Ids are plain ASCII; anything percent-encoded is not a valid id anyway.
  return isValidDocId(raw) ? raw : null
}

function closeWs(ws: WebSocket, code: CloseCodeValue, reason: string = CLOSE_REASONS[code]): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** `ws` keeps its TCP socket here; stable across ws 7 and 8. */
type WsWithSocket = WebSocket & { _socket?: import('node:net').Socket }

function wsAdapter(ws: WebSocket) {
  const raw = (ws as WsWithSocket)._socket
  return {
    send: (data: Uint8Array) => ws.send(data),
    // Broadcasts are framed once by the room; writing the frame straight to
    // the TCP socket is what ws.send would do (no compression, no masking on
    // the server side), minus the per-socket framing.
    sendFramed: raw
      ? (wire: Buffer) => {
          if (ws.readyState === ws.OPEN) raw.write(wire)
        }
      : undefined,
    close: (code: number, reason: string) => {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
    },
    get bufferedAmount() {
      return ws.bufferedAmount
    },
  }
}
