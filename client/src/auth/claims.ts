/**
 * Reads a share token's claims without verifying it. Only for hints in the
 * UI (read-only mode, expiry); the server verifies every request anyway.
 */
import { isRole, type Role } from '../../../shared/roles.ts'

export interface TokenClaims {
  /** A document id, or `*` for every document on the server. */
  doc: string | null
  role: Role | null
  /** Seconds since the epoch. */
  exp: number | null
}

export function readTokenClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
    const json: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')))
    if (typeof json !== 'object' || json === null) return null
    const { doc, role, exp } = json as Record<string, unknown>
    return {
      doc: typeof doc === 'string' ? doc : null,
      role: isRole(role) ? role : null,
      exp: typeof exp === 'number' ? exp : null,
    }
  } catch {
    return null
  }
}

export function isExpired(claims: TokenClaims | null, now: number = Date.now()): boolean {
  return claims?.exp != null && claims.exp * 1000 <= now
}
