/**
 * The one way the client talks JSON to the API. Every non-2xx answer becomes
 * an `ApiError` carrying the server's `{ error: { code, message } }` body, so
 * screens can branch on `status`/`code` and show `message` as is.
 */
import type { ApiErrorBody } from '../../../shared/index.ts'
import { authHeaders } from '../auth/token.ts'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** Seconds to wait before retrying (from the body or the Retry-After header). */
  readonly retryAfter: number | null

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.retryAfter = retryAfter
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403
  }
}

/** A network failure (offline, server down) as opposed to an answer from the server. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Could not reach the server. Check your connection and try again.', { cause })
    this.name = 'NetworkError'
  }
}

export interface ApiRequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  token?: string | null
  signal?: AbortSignal
}

export async function apiRequest(path: string, options: ApiRequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(options.token ?? null) }
  let body: string | undefined
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let response: Response
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new NetworkError(cause)
  }
  if (!response.ok) throw await toApiError(response)
  return response
}

export async function apiJson<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const response = await apiRequest(path, options)
  return (await response.json()) as T
}

export async function toApiError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`
  let message = defaultMessage(response.status)
  let retryAfter = parseRetryAfter(response.headers.get('Retry-After'))
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>
    if (body.error) {
      code = body.error.code ?? code
      message = body.error.message ?? message
      if (typeof body.error.retryAfter === 'number') retryAfter = body.error.retryAfter
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the generic message.
  }
  return new ApiError(response.status, code, message, retryAfter)
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null
}

function defaultMessage(status: number): string {
  if (status === 401) return 'You need a valid link to open this.'
  if (status === 403) return "You don't have access to this."
  if (status === 404) return 'Not found.'
  if (status === 429) return 'Too many requests. Please wait a moment.'
  if (status >= 500) return 'The server had a problem. Please try again.'
  return `Request failed (${status}).`
}

/** A message fit for people, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message
  return 'Something went wrong. Please try again.'
}
