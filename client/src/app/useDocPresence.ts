import { useCallback, useEffect, useState } from 'react'
import { getDoc } from '../api/docsApi.ts'
import { ApiError } from '../api/http.ts'

/**
 * Whether `/d/<id>` may open the editor: `missing` only when the server says
 * the id was never created (404), so a mistyped link creates nothing. Any
 * other answer opens it: offline (the local copy works), no access (the
 * editor explains), deleted (its banner says so).
 */
export type DocPresence = 'checking' | 'open' | 'missing'

/** A server that has not answered by then is treated as unreachable (a hanging network must not hold the document). */
const CHECK_TIMEOUT_MS = 5000

export function useDocPresence(docId: string, token: string | null): { presence: DocPresence; opened: () => void } {
  const [presence, setPresence] = useState<DocPresence>('checking')
  useEffect(() => {
    const controller = new AbortController()
    const timer = setTimeout(() => {
      controller.abort()
      setPresence('open')
    }, CHECK_TIMEOUT_MS)
    getDoc(docId, token, controller.signal)
      .then(() => setPresence('open'))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        setPresence(error instanceof ApiError && error.status === 404 ? 'missing' : 'open')
      })
      .finally(() => clearTimeout(timer))
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [docId, token])
  const opened = useCallback(() => setPresence('open'), [])
  return { presence, opened }
}
