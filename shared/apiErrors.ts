/** Every HTTP error body has this shape: `{ "error": { "code", "message" } }`. */
export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_doc_id'
  | 'not_found'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'rate_limited'
  | 'ai_not_configured'
  | 'storage_unavailable'
  /** The server is draining for a restart (a rolling deploy): retry, another instance will answer. */
  | 'shutting_down'
  /** An AI job's instance did not answer a cancel, accept or discard sent through another instance. */
  | 'job_unreachable'
  | 'internal'

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; retryAfter?: number; details?: unknown }
}
