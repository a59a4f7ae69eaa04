/** HTTP calls of the AI feature (the event stream itself is in sseClient.ts). */
import type { AiAcceptResult, AiJobStatus, AiStatusResponse } from '../../../shared/index.ts'
import { apiJson } from '../api/http.ts'

export type JobAction = 'cancel' | 'accept' | 'discard'

export function aiJobStartUrl(docId: string): string {
  return `/api/docs/${encodeURIComponent(docId)}/ai`
}

export function aiJobEventsUrl(jobId: string, lastEventId: number): string {
  return `/api/ai/jobs/${encodeURIComponent(jobId)}/events?lastEventId=${lastEventId}`
}

export async function fetchAiStatus(token: string | null, signal?: AbortSignal): Promise<AiStatusResponse> {
  return apiJson<AiStatusResponse>('/api/ai/status', { token, signal })
}

export async function postJobAction(jobId: string, action: JobAction, token: string | null): Promise<AiJobStatus> {
  const body = await apiJson<{ status: AiJobStatus }>(`/api/ai/jobs/${encodeURIComponent(jobId)}/${action}`, {
    method: 'POST',
    body: {},
    token,
  })
  return body.status
}

/** Accept, with what the job changed (for the requester's undo stack). */
export async function acceptJob(jobId: string, token: string | null): Promise<AiAcceptResult> {
  return apiJson<AiAcceptResult>(`/api/ai/jobs/${encodeURIComponent(jobId)}/accept`, { method: 'POST', body: {}, token })
}
