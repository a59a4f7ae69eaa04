import type { ServerConfig } from './config.ts'
import type { Logger } from './log.ts'
import type { DocStore } from './storage/types.ts'
import type { RoomRegistry } from './collab/registry.ts'
import type { AiJobs } from './ai/jobs.ts'
import type { AccessControl } from './auth/access.ts'

/** What the HTTP routes of one server share. Built once in `createServer`. */
export interface ServerContext {
  config: ServerConfig
  log: Logger
  store: DocStore
  registry: RoomRegistry
  ai: AiJobs | null
  access: AccessControl
  /** Close live sockets opened with a revoked token; returns how many. */
  revokeLive: (jti: string) => number
}
