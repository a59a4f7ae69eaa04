import { Suspense, lazy } from 'react'
import { DOC_ID_RULE } from '../../../shared/docId.ts'
import { HomePage } from '../home/HomePage.tsx'
import { useIdentity } from '../identity/useIdentity.ts'
import { ChunkErrorBoundary } from './ChunkErrorBoundary.tsx'
import { loadEditorPage } from './editorChunk.ts'
import { MessagePage } from './MessagePage.tsx'
import { useRoute } from './useRoute.ts'

const EditorPage = lazy(() => loadEditorPage().then((module) => ({ default: module.EditorPage })))

export function App() {
  const route = useRoute()
  const identity = useIdentity()

  switch (route.kind) {
    case 'home':
      return <HomePage identity={identity} />
    case 'doc':
      // Keyed by id: a different document gets a fresh session and editor.
      return (
        <ChunkErrorBoundary>
          <Suspense fallback={<div className="page-loading" role="status">Opening document…</div>}>
            <EditorPage key={route.docId} docId={route.docId} identity={identity} />
          </Suspense>
        </ChunkErrorBoundary>
      )
    case 'invalid-doc':
      return (
        <MessagePage title="That link doesn't look right">
          <p>
            “{route.rawId.slice(0, 200)}” is not a valid document address. Document ids are {DOC_ID_RULE}.
          </p>
        </MessagePage>
      )
    case 'not-found':
      return (
        <MessagePage title="Page not found">
          <p>There is nothing at this address.</p>
        </MessagePage>
      )
  }
}
