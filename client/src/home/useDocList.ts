import { useCallback, useEffect, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import { listDocs } from '../api/docsApi.ts'
import { ApiError, describeError } from '../api/http.ts'

export type DocListState =
  | { status: 'loading' }
  | { status: 'ready'; docs: DocSummary[] }
  | { status: 'error'; message: string; authRequired: boolean }

export function useDocList(token: string | null): { state: DocListState; reload: () => void; removeLocally: (id: string) => void } {
  const [state, setState] = useState<DocListState>({ status: 'loading' })
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    const controller = new AbortController()
    listDocs(token, controller.signal)
      .then((docs) => setState({ status: 'ready', docs }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        setState({
          status: 'error',
          message: describeError(error),
          authRequired: error instanceof ApiError && error.isAuthError,
        })
      })
    return () => controller.abort()
  }, [generation, token])

  const reload = useCallback(() => setGeneration((n) => n + 1), [])
  const removeLocally = useCallback((id: string) => {
    setState((current) => (current.status === 'ready' ? { status: 'ready', docs: current.docs.filter((d) => d.id !== id) } : current))
  }, [])
  return { state, reload, removeLocally }
}
