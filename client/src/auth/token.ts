/**
 * Share-link tokens. A link looks like `/d/<id>?token=<jwt>` (one document)
 * or `/?token=<jwt>` (a token for every document, `doc: "*"`). The token is
 * moved into localStorage and removed from the address bar, so it does not
 * end up in screenshots, bookmarks or the Referer header.
 */
import { readTokenClaims } from './claims.ts'

/** The storage scope of a token that covers every document. */
const ALL_DOCS = '*'

const keyFor = (scope: string) => `quill.token.${scope}`

function readStored(scope: string): string | null {
  try {
    return localStorage.getItem(keyFor(scope))
  } catch {
    // Storage can be unavailable (private mode, blocked cookies): no token then.
    return null
  }
}

function store(scope: string, token: string): void {
  try {
    localStorage.setItem(keyFor(scope), token)
  } catch {
    // Not persisted; the caller still uses the token for this page view.
  }
}

export function forgetToken(docId: string): void {
  try {
    localStorage.removeItem(keyFor(docId))
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** Removes `?token=` from the address bar and returns it. */
function takeTokenFromUrl(): string | null {
  const url = new URL(location.href)
  const token = url.searchParams.get('token')
  if (!token) return null
  url.searchParams.delete('token')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  return token
}

/** The token to use for one document: its own, else a server-wide one. */
export function tokenForDoc(docId: string): string | null {
  return readStored(docId) ?? readStored(ALL_DOCS)
}

/** The server-wide token (document list, creating documents), if any. */
export function serverToken(): string | null {
  return readStored(ALL_DOCS)
}

/** On `/d/<id>`: keeps a token from the URL, then returns the one to use. */
export function captureDocToken(docId: string): string | null {
  const fromUrl = takeTokenFromUrl()
  if (fromUrl) {
    const scope = readTokenClaims(fromUrl)?.doc === ALL_DOCS ? ALL_DOCS : docId
    store(scope, fromUrl)
    if (scope === docId) return fromUrl
  }
  return tokenForDoc(docId)
}

/** On `/`: keeps a server-wide token from the URL (`npm run share -- '*'`). */
export function captureServerToken(): string | null {
  const fromUrl = takeTokenFromUrl()
  if (fromUrl) store(ALL_DOCS, fromUrl)
  return serverToken()
}

export function authHeaders(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {}
}
