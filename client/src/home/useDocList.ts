import { useCallback, useEffect, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import { listDocs, type ListQuery } from '../api/docsApi.ts'
import { ApiError, describeError } from '../api/http.ts'

/** Once, this long after the page opens (see below). */
const CATCH_UP_MS = 1500
/** Then this often while the page is visible. */
const REFRESH_MS = 20_000

export type DocListState =
  | { status: 'loading' }
  | {
      status: 'ready'
      docs: DocSummary[]
      /** The search these are the results of ('' for the whole list). */
      query: string
      /** More documents match than were sent (the most recently changed are). */
      truncated: boolean
    }
  | { status: 'error'; message: string; authRequired: boolean }

/** The list for a search and order; a newer request aborts the one in flight, so results never arrive out of order. */
export function useDocList(token: string | null, query: Required<ListQuery>): { state: DocListState; reload: () => void; removeLocally: (id: string) => void } {
  const [state, setState] = useState<DocListState>({ status: 'loading' })
  const [generation, setGeneration] = useState(0)
  const { q, sort } = query

  useEffect(() => {
    const controller = new AbortController()
    listDocs(token, { q, sort }, controller.signal)
      .then(({ docs, truncated }) => setState({ status: 'ready', docs, query: q.trim(), truncated: truncated === true }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        setState({
          status: 'error',
          message: describeError(error),
          authRequired: error instanceof ApiError && error.isAuthError,
        })
      })
    return () => controller.abort()
  }, [generation, token, q, sort])

  const reload = useCallback(() => setGeneration((n) => n + 1), [])

  // The list follows what others change, and what was just left: a
  // document's summary (title, who edited it) is stored within a second of
  // its last change, so the list fetched on arrival may be a moment behind.
  useEffect(() => {
    const visible = () => document.visibilityState === 'visible'
    const catchUp = setTimeout(reload, CATCH_UP_MS)
    const timer = setInterval(() => visible() && reload(), REFRESH_MS)
    const onVisible = () => visible() && reload()
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      clearTimeout(catchUp)
      clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [reload])
  const removeLocally = useCallback((id: string) => {
    setState((current) => (current.status === 'ready' ? { ...current, docs: current.docs.filter((d) => d.id !== id) } : current))
  }, [])
  return { state, reload, removeLocally }
}
