import { Hono } from 'hono'
import { z } from 'zod'
import { decode } from 'hono/jwt'
import { mintToken, parseDuration, grantCovers } from '../auth/tokens.ts'
import { ROLES, roleAtLeast } from '../../shared/roles.ts'
import type { ServerContext } from '../context.ts'
import { ApiError } from './errors.ts'
import { authorize, identify } from './authorize.ts'
import { docIdParam, jsonBody } from './validate.ts'

const ShareBody = z
  .object({
    role: z.enum(ROLES).default('editor'),
    /** Like `7d`, `12h`, `30m`. */
    expires: z.string().default('7d'),
    name: z.string().trim().min(1).max(64).default('Guest'),
  })
  .strict()

const RevokeBody = z.object({ token: z.string().min(10).max(4096) }).strict()

const MAX_TTL_S = 366 * 86400

/** Share links (owners only) and token revocation. */
export function shareRoutes(ctx: ServerContext) {
  return new Hono()
    .post('/docs/:id/share', async (c) => {
      const docId = docIdParam(c)
      await authorize(c, ctx, docId, 'owner')
      const secret = ctx.config.authSecret
      if (!secret) throw new ApiError(400, 'bad_request', 'share links need AUTH_SECRET: in open mode anyone who can reach the server can open any document')
      const body = await jsonBody(c, ShareBody)
      const ttl = parseDuration(body.expires)
      if (ttl === null || ttl <= 0 || ttl > MAX_TTL_S) throw new ApiError(400, 'bad_request', 'expires: use a duration like 30m, 12h or 7d (at most 366d)')
      const { token, claims } = await mintToken(secret, { doc: docId, role: body.role, name: body.name, ttlSeconds: ttl })
      const base = ctx.config.publicUrl ?? new URL(c.req.url).origin
      return c.json({ token, url: `${base}/d/${docId}?token=${token}`, role: claims.role, expiresAt: new Date(claims.exp * 1000).toISOString() }, 201)
    })
    .post('/tokens/revoke', async (c) => {
      const caller = await identify(c, ctx)
      const { token } = await jsonBody(c, RevokeBody)
      let target: { doc?: unknown; jti?: unknown; exp?: unknown } | null
      try {
        target = decode(token).payload as typeof target
      } catch {
        throw new ApiError(400, 'bad_request', 'not a token')
      }
      // The payload is any JSON the sender chose: null, a number, an array.
      if (typeof target !== 'object' || target === null || typeof target.jti !== 'string' || typeof target.doc !== 'string' || typeof target.exp !== 'number') throw new ApiError(400, 'bad_request', 'not a token of this server')
      // Only an owner of the token's document (or of all documents) may revoke it.
      const coversTarget = target.doc === '*' ? caller.doc === '*' : grantCovers(caller, target.doc)
      if (!coversTarget || !roleAtLeast(caller.role, 'owner')) throw new ApiError(403, 'forbidden', "only an owner of the token's document can revoke it")
      await ctx.store.revokeToken(target.jti, target.exp * 1000)
      const closed = ctx.revokeLive(target.jti)
      return c.json({ revoked: true, closedConnections: closed })
    })
}
