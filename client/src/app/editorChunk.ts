/**
 * The editor (Tiptap, Yjs, the AI) is most of the code, in a chunk of its
 * own that the home page does not wait for. The home page still fetches it
 * once it is idle: opening a document is then at once, and the service
 * worker keeps the chunk, so a document kept on this device opens without a
 * network even if the editor was not opened since the last release.
 */
export const loadEditorPage = () => import('../editor/EditorPage.tsx')

/** Fetch the editor chunk when the page is idle (online only: some browsers remember a failed import); returns a cancel. */
export function prefetchEditor(): () => void {
  const run = () => {
    if (navigator.onLine) loadEditorPage().catch(() => undefined)
  }
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: 3000 })
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(run, 1000)
  return () => clearTimeout(timer)
}
