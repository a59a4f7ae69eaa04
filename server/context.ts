import type { VersionHistory } from './versions/history.ts'
import type { ServerConfig } from './config.ts'
import type { Logger } from './log.ts'
import type { DocStore } from './storage/types.ts'
import type { RoomRegistry } from './collab/registry.ts'
import type { AiJobs } from './ai/jobs.ts'
import type { AccessControl } from './auth/access.ts'
import type { Bus } from './bus/types.ts'
import type { Metrics } from './metrics/index.ts'

/** What the HTTP routes of one server share. Built once in `createServer`. */
export interface ServerContext {
  config: ServerConfig
  log: Logger
  /** This server's metrics registry (GET /metrics). */
  metrics: Metrics
  store: DocStore
  /** Version history of every document (server/versions). */
  versions: VersionHistory
  /** The bus between instances, or null for a single instance. */
  bus: Bus | null
  registry: RoomRegistry
  ai: AiJobs | null
  access: AccessControl
  /** Close live sockets opened with a revoked token; returns how many. */
  revokeLive: (jti: string) => number
  /** The document was deleted from the store: close its sockets (4410) and unload it, on every instance. */
  deleteLive: (docId: string) => void
  /**
   * A version of the document is about to be restored: stop its AI jobs, on
   * every instance, and resolve once they have stopped and what they wrote
   * is in the store (see ClusterRules.restoring).
   */
  restoringLive: (docId: string) => Promise<void>
}
