/**
 * What "share this document" may hand out, given the token in use. A link
 * that carries a token hands its rights to whoever opens it, so only a token
 * that grants nothing beyond this document, at no more than editor, may
 * travel in a copied link. Owners mint a fresh link instead (share API), and
 * a server-wide token never leaves this browser.
 */
import type { Role } from '../../../shared/roles.ts'
import { readTokenClaims } from './claims.ts'

export type LinkSharing =
  /** Open mode: no token, the plain link is all anyone needs. */
  | { kind: 'open' }
  /** An owner of this document (or of all): mints links with chosen rights. */
  | { kind: 'owner' }
  /** A token for this document only, viewer or editor: the link may carry it. */
  | { kind: 'same-token'; role: Exclude<Role, 'owner'> }
  /** A token that must not travel (server-wide, or unreadable): the plain link, without access. */
  | { kind: 'plain' }

export function linkSharing(docId: string, token: string | null): LinkSharing {
  if (!token) return { kind: 'open' }
  const claims = readTokenClaims(token)
  const role = claims?.role ?? null
  const doc = claims?.doc ?? null
  if (role === 'owner' && (doc === docId || doc === '*')) return { kind: 'owner' }
  if ((role === 'viewer' || role === 'editor') && doc === docId) return { kind: 'same-token', role }
  return { kind: 'plain' }
}

/** How the UI names a role: "can view", "can edit", "owner". */
export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'can view',
  editor: 'can edit',
  owner: 'owner',
}
