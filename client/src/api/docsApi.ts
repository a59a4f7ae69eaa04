import type { ExportFormat, Role } from '../../../shared/index.ts'
import type { CreateDocRequest, CreateDocResponse, DocListResponse, DocSort, DocSummary, ImportDocRequest } from '../../../shared/apiTypes.ts'
import { apiJson, apiRequest } from './http.ts'

const docUrl = (docId: string) => `/api/docs/${encodeURIComponent(docId)}`

export interface ListQuery {
  /** Words to search for in titles and text; empty lists everything. */
  q?: string
  sort?: DocSort
}

export async function listDocs(token: string | null, query: ListQuery = {}, signal?: AbortSignal): Promise<DocListResponse> {
  const params = new URLSearchParams()
  if (query.q?.trim()) params.set('q', query.q.trim())
  if (query.sort && query.sort !== 'updated') params.set('sort', query.sort)
  const search = params.toString()
  return apiJson<DocListResponse>(`/api/docs${search ? `?${search}` : ''}`, { token, signal })
}

/** Create a document: under a fresh id, or under `id` (409 if it exists or was deleted). */
export async function createDoc(token: string | null, id?: string): Promise<string> {
  const request: CreateDocRequest = id === undefined ? {} : { id }
  const body = await apiJson<CreateDocResponse>('/api/docs', { method: 'POST', body: request, token })
  return body.id
}

/** One document's summary: 404 if it was never created, 410 once deleted. */
export async function getDoc(docId: string, token: string | null, signal?: AbortSignal): Promise<DocSummary> {
  return apiJson<DocSummary>(docUrl(docId), { token, signal })
}

/** A new document from a Markdown or HTML file's text; resolves with its id. */
export async function importDoc(token: string | null, request: ImportDocRequest): Promise<string> {
  const body = await apiJson<CreateDocResponse>('/api/docs/import', { method: 'POST', body: request, token })
  return body.id
}

export interface ShareLinkRequest {
  role: Role
  /** A duration like `1d`, `7d`, `30d`. */
  expires: string
  /** The recipient's name (the server's default is "Guest"). */
  name?: string
}

/** `POST /api/docs/:id/share`'s answer: a new link with its own token. */
export interface ShareLink {
  token: string
  url: string
  role: Role
  expiresAt: string
}

/** Mints a share link (owners only; needs AUTH_SECRET on the server). */
export async function createShareLink(docId: string, token: string | null, request: ShareLinkRequest, signal?: AbortSignal): Promise<ShareLink> {
  return apiJson<ShareLink>(`${docUrl(docId)}/share`, { method: 'POST', body: request, token, signal })
}

export async function deleteDoc(docId: string, token: string | null): Promise<void> {
  await apiRequest(docUrl(docId), { method: 'DELETE', token })
}

/** The export address; the token, if any, goes in a header (`downloadExport`). */
export function exportUrl(docId: string, format: ExportFormat): string {
  return `${docUrl(docId)}/export?${new URLSearchParams({ format }).toString()}`
}

/**
 * Fetch an export with the token in the Authorization header and hand it to
 * the browser as a download. A plain `<a download>` link would need the
 * token in its address, where proxies and access logs keep it.
 */
export async function downloadExport(docId: string, format: ExportFormat, token: string): Promise<void> {
  const response = await apiRequest(exportUrl(docId, format), { token })
  const blob = await response.blob()
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${docId}.${format}`
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // The click has started the download; the object URL can go soon after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
