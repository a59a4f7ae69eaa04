/**
 * Routes are derived from `location` on every render; the browser's history
 * is the only state, so there is nothing to keep in sync.
 */
// docId.ts directly, not the shared index: that would pull the editor schema
// (Tiptap) into the bundle of the home page.
import { isValidDocId } from '../../../shared/docId.ts'

export type Route =
  | { kind: 'home' }
  | { kind: 'doc'; docId: string }
  | { kind: 'invalid-doc'; rawId: string }
  | { kind: 'not-found'; path: string }

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { kind: 'home' }
  const match = /^\/d\/([^/]*)\/?$/.exec(pathname)
  if (match) {
    const rawId = safeDecode(match[1] ?? '')
    return isValidDocId(rawId) ? { kind: 'doc', docId: rawId } : { kind: 'invalid-doc', rawId }
  }
  return { kind: 'not-found', path: pathname }
}

export function docPath(docId: string): string {
  return `/d/${encodeURIComponent(docId)}`
}

/** Fired after `navigate`, because `pushState` itself emits no event. */
export const NAVIGATE_EVENT = 'quill:navigate'

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
  window.scrollTo(0, 0)
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
