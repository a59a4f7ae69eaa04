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
