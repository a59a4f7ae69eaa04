/**
 * The History panel's data: the version list (refreshed while the panel is
 * open, since versions are taken as people edit), the selected version's
 * content (fetched once per version) and the live document to compare it
 * with (read from the editor as it changes, debounced).
 */
import type { Editor } from '@tiptap/core'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { VersionSummary } from '../../../shared/apiTypes.ts'
import { describeError } from '../api/http.ts'
import { getVersionDoc, listVersions } from '../api/versionsApi.ts'
import { diffDocs, type DocJson, type VersionDiff } from './versionDiff.ts'

/** New automatic versions appear without reopening the panel. */
const LIST_REFRESH_MS = 15_000
/**
 * Typing (anyone's) recomputes the comparison at most this often, or, when
 * a comparison takes long (a version from long ago of a long document), at
 * most once per COMPARE_BUDGET times what the last one took: the panel
 * follows the document without keeping the page busy.
 */
const CURRENT_DEBOUNCE_MS = 300
const COMPARE_BUDGET = 5

export interface VersionsState {
  versions: VersionSummary[] | null
  listError: string | null
  reload: () => Promise<VersionSummary[] | null>
}

export function useVersionList(docId: string, token: string | null): VersionsState {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const request = useRef<AbortController | null>(null)

  const reload = useCallback(async () => {
    request.current?.abort()
    const controller = new AbortController()
    request.current = controller
    try {
      const list = await listVersions(docId, token, controller.signal)
      setVersions(list)
      setListError(null)
      return list
    } catch (err) {
      if (controller.signal.aborted) return null
      setListError(describeError(err))
      return null
    }
  }, [docId, token])

  useEffect(() => {
    void reload()
    const timer = setInterval(() => void reload(), LIST_REFRESH_MS)
    return () => {
      clearInterval(timer)
      request.current?.abort()
    }
  }, [reload])

  return { versions, listError, reload }
}

export type Comparison = { state: 'idle' } | { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; doc: DocJson; diff: VersionDiff }

/** The selected version compared with the live document. */
export function useComparison(docId: string, token: string | null, versionId: string | null, editor: Editor): Comparison {
  const cache = useRef(new Map<string, DocJson>())
  const [loaded, setLoaded] = useState<{ id: string; doc: DocJson } | { id: string; error: string } | null>(null)
  const lastCompareMs = useRef(0)
  const current = useCurrentDoc(editor, lastCompareMs)

  useEffect(() => {
    if (!versionId) return
    const cached = cache.current.get(versionId)
    if (cached) {
      setLoaded({ id: versionId, doc: cached })
      return
    }
    const controller = new AbortController()
    getVersionDoc(docId, versionId, token, controller.signal).then(
      (stored) => {
        const doc = asEditorJson(editor, stored)
        cache.current.set(versionId, doc)
        setLoaded({ id: versionId, doc })
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setLoaded({ id: versionId, error: describeError(err) })
      },
    )
    return () => controller.abort()
  }, [docId, token, versionId, editor])

  const version = loaded && loaded.id === versionId ? loaded : null
  const diff = useMemo(() => {
    if (!version || !('doc' in version)) return null
    const started = performance.now()
    const result = diffDocs(version.doc, current)
    lastCompareMs.current = performance.now() - started
    return result
  }, [version, current])
  if (!versionId) return { state: 'idle' }
  if (!version) return { state: 'loading' }
  if ('error' in version) return { state: 'failed', message: version.error }
  return { state: 'ready', doc: version.doc, diff: diff! }
}

/**
 * A version's JSON is read from the Yjs document on the server, which holds
 * only the attributes that were ever set: a table cell comes without the
 * `colwidth: null, align: null` that the editor's getJSON() always writes.
 * Compared as they are, every cell of every table differed, so a table
 * nobody touched showed as changed and "Change n of m" stopped on cells that
 * had not changed. Read through the editor's schema, both sides carry the
 * same defaults. A version the schema cannot read is compared as it is.
 */
function asEditorJson(editor: Editor, doc: DocJson): DocJson {
  try {
    return editor.schema.nodeFromJSON(doc).toJSON() as DocJson
  } catch {
    return doc
  }
}

function useCurrentDoc(editor: Editor, lastCompareMs: { readonly current: number }): DocJson {
  const [doc, setDoc] = useState<DocJson>(() => editor.getJSON() as DocJson)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const onUpdate = () => {
      if (timer !== null) return
      timer = setTimeout(() => {
        timer = null
        setDoc(editor.getJSON() as DocJson)
      }, Math.max(CURRENT_DEBOUNCE_MS, COMPARE_BUDGET * lastCompareMs.current))
    }
    editor.on('update', onUpdate)
    return () => {
      editor.off('update', onUpdate)
      if (timer !== null) clearTimeout(timer)
    }
  }, [editor, lastCompareMs])
  return doc
}
