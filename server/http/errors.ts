/**
 * The one HTTP error type, and the one place errors become responses:
 * `{ "error": { "code", "message" } }` with the right status.
 */
import type { Context } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { ApiErrorBody, ApiErrorCode } from '../../shared/apiErrors.ts'
import type { Logger } from '../log.ts'

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { retryAfter?: number; details?: unknown } = {},
  ) {
    super(message)
  }
}

export function errorBody(code: ApiErrorCode, message: string, extra: { retryAfter?: number; details?: unknown } = {}): ApiErrorBody {
  return { error: { code, message, ...extra } }
}

export function errorResponse(c: Context, err: ApiError): Response {
  if (err.extra.retryAfter !== undefined) c.header('Retry-After', String(err.extra.retryAfter))
  return c.json(errorBody(err.code, err.message, err.extra), err.status)
}

export function createErrorHandler(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof ApiError) return errorResponse(c, err)
    if (err instanceof z.ZodError) return errorResponse(c, validationError(err))
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode
      const code: ApiErrorCode = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'bad_request'
      return c.json(errorBody(code, err.message || 'request refused'), status)
    }
    const reqId = (c as Context<{ Variables: RequestIdVariables }>).get('requestId')
    log.error(`unhandled error on ${c.req.method} ${c.req.path}`, { reqId, err })
    return c.json(errorBody('internal', 'internal server error'), 500)
  }
}

export function validationError(err: z.ZodError): ApiError {
  const first = err.issues[0]
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : ''
  return new ApiError(400, 'bad_request', `${where}${first?.message ?? 'invalid request'}`, {
    details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  })
}
