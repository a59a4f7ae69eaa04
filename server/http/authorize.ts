import type { Context } from 'hono'
import type { ServerContext } from '../context.ts'
import { tokenFrom, type AccessResult } from '../auth/access.ts'
import type { Grant } from '../auth/tokens.ts'
import type { Role } from '../../shared/roles.ts'
import { ApiError } from './errors.ts'

export function requestToken(c: Context): string | undefined {
  return tokenFrom(c.req.header('authorization'), c.req.query('token'))
}

function grantOrThrow(result: AccessResult): Grant {
  if (!result.ok) throw new ApiError(result.status, result.status === 401 ? 'unauthorized' : 'forbidden', result.reason)
  return result.grant
}

/** The caller's grant for `min` role on `docId` (null: all documents), or 401/403. */
export async function authorize(c: Context, ctx: ServerContext, docId: string | null, min: Role): Promise<Grant> {
  return grantOrThrow(await ctx.access.check(requestToken(c), docId, min))
}

/** The caller's grant, whatever document it covers, or 401. */
export async function identify(c: Context, ctx: ServerContext): Promise<Grant> {
  return grantOrThrow(await ctx.access.identify(requestToken(c)))
}
