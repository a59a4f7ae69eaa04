/**
 * Access tokens: HS256 JWTs signed with AUTH_SECRET. A token names one
 * document (or `*` for all), a role (shared/roles.ts), the person's name
 * and an expiry.
 */
import { randomUUID } from 'node:crypto'
import { sign, verify } from 'hono/jwt'
import { JwtTokenExpired } from 'hono/utils/jwt/types'
import { z } from 'zod'
import { ROLES, type Role } from '../../shared/roles.ts'

const Claims = z.object({
  doc: z.string().min(1).max(128),
  role: z.enum(ROLES),
  name: z.string().min(1).max(64),
  exp: z.number().int(),
  jti: z.string().min(1).max(64),
})
export type TokenClaims = z.infer<typeof Claims>

export interface Grant {
  doc: string
  role: Role
  name: string
  /** Seconds since the epoch. */
  exp: number
  jti: string
}

export async function mintToken(secret: string, grant: { doc: string; role: Role; name: string; ttlSeconds: number }): Promise<{ token: string; claims: Grant }> {
  const claims: Grant = {
    doc: grant.doc,
    role: grant.role,
    name: grant.name,
    exp: Math.floor(Date.now() / 1000) + grant.ttlSeconds,
    jti: randomUUID(),
  }
  return { token: await sign({ ...claims }, secret, 'HS256'), claims }
}

export type VerifyResult = { ok: true; grant: Grant } | { ok: false; reason: 'expired' | 'invalid' }

export async function verifyToken(secret: string, token: string): Promise<VerifyResult> {
  if (token.length > 4096) return { ok: false, reason: 'invalid' }
  try {
    const payload = await verify(token, secret, 'HS256')
    const parsed = Claims.safeParse(payload)
    return parsed.success ? { ok: true, grant: parsed.data } : { ok: false, reason: 'invalid' }
  } catch (err) {
    return { ok: false, reason: err instanceof JwtTokenExpired ? 'expired' : 'invalid' }
  }
}

export function grantCovers(grant: Grant, docId: string): boolean {
  return grant.doc === '*' || grant.doc === docId
}

/** Parse durations like `7d`, `12h`, `30m`, `45s` (or plain seconds). */
export function parseDuration(s: string): number | null {
  const m = /^(\d{1,7})([smhd]?)$/.exec(s.trim())
  if (!m) return null
  const n = Number(m[1])
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd']
  return n * unit
}
