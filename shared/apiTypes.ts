/** JSON shapes of the HTTP API (see README "HTTP API"). */

export interface DocSummary {
  id: string
  /** First heading or first non-empty line; "Untitled" when empty. */
  title: string
  createdAt: string
  /** The last stored change. */
  updatedAt: string
  /** Who made the last change, as a display name ("Ada", "AI (for Ada)"); null when not known. */
  lastEditedBy: string | null
  /** Search results only: some text around the first match in the body (null when only the title matched). */
  snippet?: string | null
}

/** `GET /api/docs?sort=`: newest change first (the default), by title, or newest created first. */
export const DOC_SORTS = ['updated', 'title', 'created'] as const
export type DocSort = (typeof DOC_SORTS)[number]

export interface DocListResponse {
  docs: DocSummary[]
  /** A search only: more documents match than the answer holds (the most recently changed ones are listed). */
  truncated?: boolean
}

/** Longest search query the API accepts (the search box's maxlength). */
export const SEARCH_MAX_CHARS = 200

/** `POST /api/docs`: an empty body for a fresh id, or the id to create (a link to a document that does not exist yet). */
export interface CreateDocRequest {
  id?: string
}

export interface CreateDocResponse {
  id: string
}

/** `POST /api/docs/import`: a file's text and format; `name` (the file name) is the title when the content has none. */
export interface ImportDocRequest {
  format: ImportFormat
  name?: string
  text: string
  /** The importer's own name, shown as the document's last editor when the server has no tokens (with tokens, the token's name is). */
  by?: string
}

export type ImportFormat = 'md' | 'html'

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

export type VersionKind = 'auto' | 'named' | 'before-restore' | 'before-ai'

export interface VersionSummary {
  id: string
  createdAt: string
  kind: VersionKind
  /** Set for named versions. */
  name: string | null
  /** Who changed the document since the previous version. */
  authors: string[]
}

export interface VersionListResponse {
  versions: VersionSummary[]
}

export interface RestoreResponse {
  restoredFrom: string
  /** The version taken of what the restore replaced; null when that content was already the newest version. */
  backupVersionId: string | null
}
