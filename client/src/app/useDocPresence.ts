import { useCallback, useEffect, useState } from 'react'
import { getDoc } from '../api/docsApi.ts'
import { ApiError } from '../api/http.ts'
import { hasLocalCopy } from './hasLocalCopy.ts'

/**
 * Whether `/d/<id>` may open the editor: `missing` only when the server says
 * the id was never created (404), so a mistyped link creates nothing. Any
 * other answer opens it: no access (the editor explains), deleted (its
 * banner says so). Without an answer (offline, the server unreachable, a
 * proxy's 502) it opens only if this device has a copy to show: an empty
 * editor for an id
 * nobody may have created would say "saved" for nothing, and whatever is
 * typed into it would create that id once the network is back.
 * `offline` asks again by itself until it gets an answer.
 */
export type DocPresence = 'checking' | 'open' | 'missing' | 'offline'

/** A server that has not answered by then is treated as unreachable (a hanging network must not hold the document). */
const CHECK_TIMEOUT_MS = 5000
/** While offline, ask again this often. */
const OFFLINE_RETRY_MS = 5000

export function useDocPresence(docId: string, token: string | null): { presence: DocPresence; opened: () => void; retry: () => void } {
  const [presence, setPresence] = useState<DocPresence>('checking')
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let settled = false
    const controller = new AbortController()
    const settle = (next: DocPresence) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      setPresence(next)
    }
    const unanswered = () => {
      controller.abort()
      void hasLocalCopy(docId).then((kept) => settle(kept ? 'open' : 'offline'))
    }
    const timer = setTimeout(unanswered, CHECK_TIMEOUT_MS)
    getDoc(docId, token, controller.signal)
      .then(() => settle('open'))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        // A 5xx is a proxy (or the server) saying the server could not answer: no answer either.
        if (error instanceof ApiError && error.status < 500) settle(error.status === 404 ? 'missing' : 'open')
        else unanswered()
      })
    return () => {
      settled = true
      clearTimeout(timer)
      controller.abort()
    }
  }, [docId, token, attempt])

  // The page stays as it is while it asks again; only the answer changes it.
  const retry = useCallback(() => setAttempt((n) => n + 1), [])
  // The browser says when its network is back, but not when a server that was down is: ask now and then too.
  useEffect(() => {
    if (presence !== 'offline') return
    window.addEventListener('online', retry)
    const timer = setInterval(retry, OFFLINE_RETRY_MS)
    return () => {
      window.removeEventListener('online', retry)
      clearInterval(timer)
    }
  }, [presence, retry])

  const opened = useCallback(() => setPresence('open'), [])
  return { presence, opened, retry }
}
