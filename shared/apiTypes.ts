/** JSON shapes of the HTTP API (see README "HTTP API"). */

export interface DocSummary {
  id: string
  /** First heading or first non-empty line; "Untitled" when empty. */
  title: string
  createdAt: string
  updatedAt: string
}

export interface DocListResponse {
  docs: DocSummary[]
}

export interface CreateDocResponse {
  id: string
}

export interface HealthResponse {
  status: 'ok' | 'degraded'
  uptimeSeconds: number
  rooms: number
  connections: number
  storage: { ok: boolean; lastError: string | null; pendingWrites: number }
  /** The bus between instances: 'none' for a single instance. While it is down this instance still serves and stores. */
  bus: 'up' | 'down' | 'none'
  /** `draining`: shutting down (SIGTERM), so no new AI jobs; health answers 503 to take it out of rotation. */
  ai: { configured: boolean; runningJobs: number; message?: string; draining?: boolean }
}

export interface AiStatusResponse {
  configured: boolean
  model: string | null
  /** When not configured: which variables to set. */
  message?: string
}

export type ExportFormat = 'md' | 'html' | 'json'
