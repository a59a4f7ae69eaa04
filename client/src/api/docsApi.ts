import type { CreateDocResponse, DocListResponse, DocSummary, ExportFormat } from '../../../shared/index.ts'
import { apiJson, apiRequest } from './http.ts'

const docUrl = (docId: string) => `/api/docs/${encodeURIComponent(docId)}`

export async function listDocs(token: string | null, signal?: AbortSignal): Promise<DocSummary[]> {
  const body = await apiJson<DocListResponse>('/api/docs', { token, signal })
  return body.docs
}

export async function createDoc(token: string | null): Promise<string> {
  const body = await apiJson<CreateDocResponse>('/api/docs', { method: 'POST', body: {}, token })
  return body.id
}

export type ShareRole = 'viewer' | 'editor' | 'owner'

export interface ShareLinkRequest {
  role: ShareRole
  /** A duration like `1d`, `7d`, `30d`. */
  expires: string
  /** The recipient's name (the server's default is "Guest"). */
  name?: string
}

/** `POST /api/docs/:id/share`'s answer: a new link with its own token. */
export interface ShareLink {
  token: string
  url: string
  role: ShareRole
  expiresAt: string
}

/** Mints a share link (owners only; needs AUTH_SECRET on the server). */
export async function createShareLink(docId: string, token: string | null, request: ShareLinkRequest, signal?: AbortSignal): Promise<ShareLink> {
  return apiJson<ShareLink>(`${docUrl(docId)}/share`, { method: 'POST', body: request, token, signal })
}

export async function deleteDoc(docId: string, token: string | null): Promise<void> {
  await apiRequest(docUrl(docId), { method: 'DELETE', token })
}

/**
 * A plain link for `<a download>`: the browser cannot send an Authorization
 * header for a navigation, so the token travels as a query parameter.
 */
export function exportUrl(docId: string, format: ExportFormat, token: string | null): string {
  const params = new URLSearchParams({ format })
  if (token) params.set('token', token)
  return `${docUrl(docId)}/export?${params.toString()}`
}
