/**
 * Who may do what. With AUTH_SECRET set, every WebSocket upgrade and API
 * request carries a token (Authorization: Bearer, or `?token=` where a header
 * cannot be set: WebSocket URLs, downloads, EventSource). Without it the
 * server is in open mode: everyone is an owner, and the server listens on
 * 127.0.0.1 unless HOST says otherwise.
 */
import type { DocStore } from '../storage/types.ts'
import { grantCovers, verifyToken, type Grant } from './tokens.ts'
import { roleAtLeast, type Role } from '../../shared/roles.ts'

export type AccessDenied = { ok: false; status: 401 | 403; reason: string }
export type AccessResult = { ok: true; grant: Grant } | AccessDenied

const OPEN_GRANT: Grant = Object.freeze({ doc: '*', role: 'owner', name: 'anonymous', exp: Number.MAX_SAFE_INTEGER, jti: 'open' })

export class AccessControl {
  constructor(
    private readonly secret: string | null,
    private readonly store: DocStore,
    private readonly allowedOrigins: readonly string[],
  ) {}

  get open(): boolean {
    return this.secret === null
  }

  /** A valid, unrevoked token's grant, whatever it covers. */
  async identify(token: string | undefined): Promise<AccessResult> {
    if (this.secret === null) return { ok: true, grant: OPEN_GRANT }
    if (!token) return { ok: false, status: 401, reason: 'a token is required (this server has AUTH_SECRET set)' }
    const verified = await verifyToken(this.secret, token)
    if (!verified.ok) return { ok: false, status: 401, reason: verified.reason === 'expired' ? 'the token has expired' : 'the token is invalid' }
    if (await this.store.isTokenRevoked(verified.grant.jti)) return { ok: false, status: 401, reason: 'the token was revoked' }
    return verified
  }

  /** Check a token for `min` role on `docId` (or on all documents when null). */
  async check(token: string | undefined, docId: string | null, min: Role): Promise<AccessResult> {
    const identified = await this.identify(token)
    if (!identified.ok) return identified
    const { grant } = identified
    if (docId === null ? grant.doc !== '*' : !grantCovers(grant, docId)) {
      return { ok: false, status: 403, reason: 'the token does not grant this document' }
    }
    if (!roleAtLeast(grant.role, min)) return { ok: false, status: 403, reason: `this needs the ${min} role; the token grants ${grant.role}` }
    return { ok: true, grant }
  }

  /**
   * Browsers always send Origin on WebSocket upgrades and cross-site
   * requests; checking it stops a hostile page from using a visitor's
   * session (cross-site WebSocket hijacking). Same-origin is always allowed,
   * and non-browser clients (no Origin) are judged by their token alone.
   */
  originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true
    if (this.allowedOrigins.includes(origin)) return true
    try {
      return host !== undefined && new URL(origin).host === host
    } catch {
      return false
    }
  }
}

/** The token from `Authorization: Bearer …` or the `token` query parameter. */
export function tokenFrom(authorization: string | undefined, query: string | undefined): string | undefined {
  const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null
  return m?.[1] ?? (query || undefined)
}
