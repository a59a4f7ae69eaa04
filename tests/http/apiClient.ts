/** A tiny JSON client for one test server's HTTP API, with an optional token. */
import type { DocListResponse, DocSummary } from '../../shared/apiTypes.ts'

export interface Api {
  (path: string, init?: RequestInit): Promise<Response>
  post(path: string, body: unknown, token?: string): Promise<Response>
  list(query?: string): Promise<DocSummary[]>
}

export function apiClient(baseUrl: string, token?: string): Api {
  const auth = (t: string | undefined): Record<string, string> => (t ? { authorization: `Bearer ${t}` } : {})
  const api = ((path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, { ...init, headers: { ...auth(token), ...(init.headers as Record<string, string>) } })) as Api
  api.post = (path, body, t = token) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(t) }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  api.list = async (query = '') => ((await (await api(`/api/docs${query}`)).json()) as DocListResponse).docs
  return api
}
