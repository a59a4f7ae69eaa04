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
  | 'internal'

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; retryAfter?: number; details?: unknown }
}
