import type { ServerConfig } from './config.ts'
import type { Logger } from './log.ts'
import type { DocStore } from './storage/types.ts'
import type { RoomRegistry } from './collab/registry.ts'
import type { AiJobs } from './ai/jobs.ts'

/** What the HTTP routes of one server share. Built once in `createServer`. */
export interface ServerContext {
  config: ServerConfig
  log: Logger
  store: DocStore
  registry: RoomRegistry
  ai: AiJobs | null
}
