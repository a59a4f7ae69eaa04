import { isValidDocId } from '../../../shared/docId.ts'
import { docPath } from '../app/router.ts'

/**
 * What someone pasted into "Open by link": a full share link
 * (`https://host/d/<id>?token=…`), a path, or a bare id. Returns the in-app
 * path to open (token kept, so the editor page can pick it up), or null.
 */
export function parseDocLink(input: string): string | null {
  const text = input.trim()
  if (!text) return null
  if (isValidDocId(text)) return docPath(text)
  let url: URL
  try {
    url = new URL(text, location.origin)
  } catch {
    return null
  }
  const match = /^\/d\/([^/]+)\/?$/.exec(url.pathname)
  const id = match ? decodeURIComponent(match[1] ?? '') : ''
  if (!isValidDocId(id)) return null
  const token = url.searchParams.get('token')
  return token ? `${docPath(id)}?token=${encodeURIComponent(token)}` : docPath(id)
}
