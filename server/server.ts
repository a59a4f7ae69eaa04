/**
 * Builds one complete server from a config: storage, rooms, AI jobs, the
 * HTTP app and the WebSocket edge. Nothing here is global, so tests run
 * several servers in one process.
 */
import { VersionHistory } from './versions/history.ts'
import { documentSchema } from '../shared/editorSchema.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { CloseCode } from '../shared/closeCodes.ts'
import { AI_NOT_CONFIGURED_MESSAGE, type ServerConfig } from './config.ts'
import { createLogger, type Logger } from './log.ts'
import { createStore, type DocStore } from './storage/index.ts'
import { RoomRegistry } from './collab/registry.ts'
import { WsEdge } from './collab/wsEdge.ts'
import { AiJobs } from './ai/jobs.ts'
import { createModelClient } from './ai/provider.ts'
import { createApp } from './http/app.ts'
import type { ServerContext } from './context.ts'
import { AccessControl } from './auth/access.ts'
import { clientIpOf, upgradeAuthorizer } from './auth/upgrade.ts'
import type { Bus } from './bus/types.ts'
import { Cluster, CLUSTER_DEFAULTS, type ClusterTimings } from './collab/cluster.ts'
import { ClusterRules } from './collab/clusterRules.ts'
import { RemoteConnections } from './collab/remoteConnections.ts'
import { Peers } from './collab/peers.ts'
import type { AiEventStore } from './ai/events/index.ts'
import type { AiAdmission } from './ai/admission/index.ts'
import { Metrics } from './metrics/index.ts'

export interface CollabServer {
  readonly app: Hono
  readonly context: ServerContext
  /** Start listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<{ port: number; url: string }>
  /**
   * Before `close` on SIGTERM: take no new AI jobs (503) and let running
   * ones finish, up to AI_DRAIN_TIMEOUT_MS; true when all ended in time.
   */
  drain(): Promise<boolean>
  /** Graceful shutdown: stop accepting, store every room, close sockets. */
  close(): Promise<void>
}

export interface CreateServerOptions {
  log?: Logger
  /**
   * This server's metrics (GET /metrics); a new registry by default. Pass
   * one when the store is opened first, so its group commits are counted.
   */
  metrics?: Metrics
  /** Use this store instead of the one the config names (tests). */
  store?: DocStore
  /**
   * The bus to the other instances serving the same store (main.ts connects
   * it from REDIS_URL; tests pass a memory hub's). The server closes it.
   */
  bus?: Bus
  /**
   * Where AI job events are shared with the other instances (main.ts
   * connects it from REDIS_URL; tests may share a MemoryEventStore). Only
   * used with a bus; the server closes it.
   */
  aiEvents?: AiEventStore
  /**
   * Where AI limits are counted (main.ts connects Redis from REDIS_URL so
   * they count across the cluster; tests may share a MemoryAdmission).
   * Default: this instance's memory. The server closes it.
   */
  aiAdmission?: AiAdmission
  /** Cluster timers (tests shorten them). */
  clusterTimings?: Partial<ClusterTimings>
}

export function createServer(config: ServerConfig, options: CreateServerOptions = {}): CollabServer {
  const log = options.log ?? createLogger(config.logLevel, { format: config.logFormat })
  const metrics = options.metrics ?? new Metrics()
  const store = options.store ?? createStore(config, log, metrics.onCommit)
  const bus = options.bus ?? null
  const peers = bus ? new Peers() : null
  const versions = new VersionHistory({ store, schema: documentSchema(), policy: config.versions })
  const registry = new RoomRegistry({
    store,
    versions: { history: versions, quietMs: config.versions.quietMs },
    log,
    compactAfterUpdates: config.compactAfterUpdates,
    maxBufferedBytes: config.maxBufferedBytes,
    maxDocBytes: config.maxDocBytes,
    unloadDelayMs: config.roomUnloadDelayMs,
    metrics,
    ...(bus && peers && { bus: { bus, peers, metrics } }),
  })
  const timings: ClusterTimings = { ...CLUSTER_DEFAULTS, ...options.clusterTimings }
  const cluster = bus && peers ? new Cluster({ bus, peers, registry, store, log, timings }) : null
  const remote = bus ? new RemoteConnections(timings.peerTimeoutMs) : null
  const ai = new AiJobs({
    config: config.ai,
    registry,
    log,
    model: config.ai.provider ? createModelClient(config.ai.provider) : null,
    notConfiguredMessage: AI_NOT_CONFIGURED_MESSAGE,
    metrics,
    ...(options.aiAdmission && { admission: options.aiAdmission }),
    ...(bus && options.aiEvents && { shared: { store: options.aiEvents, bus, ...aiPeerTimings(options.clusterTimings) } }),
  })
  const access = new AccessControl(config.authSecret, store, config.allowedOrigins)
  const context: ServerContext = {
    config,
    log,
    metrics,
    store,
    versions,
    bus,
    registry,
    ai,
    access,
    revokeLive: (jti) => (rules ? rules.revoke(jti) : edge.revokeToken(jti)),
    deleteLive: (docId) => (rules ? rules.deleted(docId) : dropDocument(docId)),
    restoringLive: async (docId) => {
      if (rules) await rules.restoring(docId)
      else await ai.stopForRestore(docId)
    },
  }
  // Connected editors learn at once, and do not reconnect (4410).
  const dropDocument = (docId: string): void => {
    registry.evict(docId, CloseCode.DocumentDeleted)
    ai.cancelDocument(docId)
  }
  const app = createApp(context)
  const edge = new WsEdge({
    registry,
    log,
    pingIntervalMs: config.pingIntervalMs,
    maxMessageBytes: config.maxMessageBytes,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxConnectionsPerDoc: config.maxConnectionsPerDoc,
    clientIp: clientIpOf(config.trustProxy),
    authorize: upgradeAuthorizer(access),
    metrics,
    ...(remote && { remoteConnections: (docId: string) => remote.count(docId), onDocCountChange: () => rules?.countsChanged() }),
  })
  const rules = bus && remote ? new ClusterRules({ bus, store, registry, edge, remote, log, timings, onDeleted: (docId) => ai.cancelDocument(docId), onRestoring: (docId) => ai.stopForRestore(docId) }) : null
  const stopRelayTime = bus?.onRelayTime((seconds) => metrics.busRelaySeconds.observe(seconds))
  metrics.observe({
    rooms: () => ({ loaded: registry.size, loading: registry.loadingCount, storageFailing: registry.storageFailingCount }),
    connections: () => {
      const joined = registry.connectionCount
      return { joined, pending: Math.max(0, edge.socketCount - joined) }
    },
    ...(bus && {
      bus: () => {
        const { published, delivered, dropped, malformed } = bus.stats()
        return { up: bus.status() === 'up', published, delivered, dropped, malformed }
      },
    }),
  })
  let http: Server | null = null
  let closing: Promise<void> | null = null

  return {
    app,
    context,
    listen() {
      return new Promise((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
          const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
          resolve({ port: info.port, url: `http://${host}:${info.port}` })
        }) as Server
        server.once('error', reject)
        edge.attach(server)
        http = server
      })
    },
    drain() {
      return ai.drain(config.ai.drainTimeoutMs)
    },
    close() {
      closing ??= (async () => {
        edge.close()
        // Stop taking new HTTP connections; open SSE streams end as jobs stop.
        const httpClosed = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()))
        await ai.shutdown()
        // 1001: clients reconnect (to this server after a restart, or another).
        await registry.shutdown(CloseCode.GoingAway)
        http?.closeAllConnections?.()
        await httpClosed
        // After the rooms: their last writes and carets' removals are published.
        cluster?.close()
        rules?.close()
        stopRelayTime?.()
        await bus?.close()
        await options.aiEvents?.close()
        await store.close()
      })()
      return closing
    },
  }
}

/** AI jobs tell a dead instance as the cluster does (the same heartbeats and timeout). */
function aiPeerTimings(timings: Partial<ClusterTimings> = {}): { heartbeatMs: number; peerTimeoutMs: number } {
  const { heartbeatMs, peerTimeoutMs } = { ...CLUSTER_DEFAULTS, ...timings }
  return { heartbeatMs, peerTimeoutMs }
}
