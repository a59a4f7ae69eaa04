import type { IncomingMessage } from 'node:http'
import { CloseCode } from '../../shared/closeCodes.ts'
import type { UpgradeDecision } from '../collab/wsEdge.ts'
import type { AccessControl } from './access.ts'
import { tokenFrom } from './access.ts'

/**
 * The WebSocket access check, run at the upgrade before the document loads.
 * The token comes as the `token` URL parameter (y-websocket's `params`),
 * since browsers cannot set headers on a WebSocket.
 */
export function upgradeAuthorizer(access: AccessControl) {
  return async (req: IncomingMessage, docId: string, url: URL): Promise<UpgradeDecision> => {
    if (!access.originAllowed(req.headers.origin, req.headers.host)) return { ok: false, code: CloseCode.OriginNotAllowed }
    const result = await access.check(tokenFrom(req.headers.authorization, url.searchParams.get('token') ?? undefined), docId, 'viewer')
    if (!result.ok) return { ok: false, code: result.status === 401 ? CloseCode.Unauthorized : CloseCode.Forbidden, reason: result.reason }
    const { grant } = result
    return { ok: true, readOnly: grant.role === 'viewer', ...(access.open ? {} : { token: { jti: grant.jti, exp: grant.exp }, name: grant.name }) }
  }
}

export function clientIpOf(trustProxy: boolean) {
  return (req: IncomingMessage): string => {
    if (trustProxy) {
      const fwd = req.headers['x-forwarded-for']
      const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim()
      if (first) return first
    }
    return req.socket.remoteAddress ?? 'unknown'
  }
}
