/** A document's version history (issue 12): list, read, name and restore versions. */
import type { RestoreResponse, VersionListResponse, VersionSummary } from '../../../shared/apiTypes.ts'
import type { DocJson } from '../history/versionDiff.ts'
import { apiJson, apiRequest } from './http.ts'

const versionsUrl = (docId: string) => `/api/docs/${encodeURIComponent(docId)}/versions`
const versionUrl = (docId: string, versionId: string) => `${versionsUrl(docId)}/${encodeURIComponent(versionId)}`

export async function listVersions(docId: string, token: string | null, signal?: AbortSignal): Promise<VersionSummary[]> {
  return (await apiJson<VersionListResponse>(versionsUrl(docId), { token, signal })).versions
}

export async function getVersionDoc(docId: string, versionId: string, token: string | null, signal?: AbortSignal): Promise<DocJson> {
  return (await apiJson<{ version: VersionSummary; doc: DocJson }>(versionUrl(docId, versionId), { token, signal })).doc
}

/** The version as Markdown, for copying its text. */
export async function getVersionMarkdown(docId: string, versionId: string, token: string | null): Promise<string> {
  return (await apiRequest(`${versionUrl(docId, versionId)}?format=md`, { token })).text()
}

/** Names the document's current state; resolves with the new version's id. */
export async function nameCurrentVersion(docId: string, name: string, token: string | null): Promise<string> {
  return (await apiJson<{ id: string }>(versionsUrl(docId), { method: 'POST', body: { name }, token })).id
}

export async function restoreVersion(docId: string, versionId: string, token: string | null): Promise<RestoreResponse> {
  return apiJson<RestoreResponse>(`${versionUrl(docId, versionId)}/restore`, { method: 'POST', token })
}

/** Names a version: an automatic one becomes named (and kept); a named one is renamed (owners). */
export async function nameVersion(docId: string, versionId: string, name: string, token: string | null): Promise<VersionSummary> {
  return apiJson<VersionSummary>(versionUrl(docId, versionId), { method: 'PATCH', body: { name }, token })
}

export async function deleteVersion(docId: string, versionId: string, token: string | null): Promise<void> {
  await apiRequest(versionUrl(docId, versionId), { method: 'DELETE', token })
}
