import { useEffect, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import { createDoc, deleteDoc } from '../api/docsApi.ts'
import { describeError } from '../api/http.ts'
import { docPath, navigate } from '../app/router.ts'
import { captureServerToken, forgetToken, tokenForDoc } from '../auth/token.ts'
import { deleteLocalCopy } from '../collab/localCopy.ts'
import { IdentityButton } from '../identity/IdentityButton.tsx'
import type { IdentityHandle } from '../identity/useIdentity.ts'
import { PlusIcon } from '../ui/icons.tsx'
import { DeleteDialog } from './DeleteDialog.tsx'
import { DocList } from './DocList.tsx'
import { OpenByLink } from './OpenByLink.tsx'
import { useDocList } from './useDocList.ts'

export function HomePage({ identity }: { identity: IdentityHandle }) {
  // A server-wide link (`/?token=…`) lands here; it is kept like a document's.
  const [token] = useState(() => captureServerToken())
  const { state, reload, removeLocally } = useDocList(token)
  const [creating, setCreating] = useState(false)
  const [createError, setCreateError] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<DocSummary | null>(null)

  useEffect(() => {
    document.title = 'Documents · Quill'
  }, [])

  const create = async () => {
    setCreating(true)
    setCreateError(null)
    try {
      navigate(docPath(await createDoc(token)))
    } catch (error) {
      setCreateError(describeError(error))
      setCreating(false)
    }
  }

  const confirmDelete = async (doc: DocSummary) => {
    await deleteDoc(doc.id, tokenForDoc(doc.id)).catch((error: unknown) => {
      throw new Error(describeError(error))
    })
    // The local copy would otherwise resurrect it the next time it is opened here.
    await deleteLocalCopy(doc.id)
    forgetToken(doc.id)
    removeLocally(doc.id)
    setDeleting(null)
  }

  return (
    <div className="home-page">
      <header className="app-header" data-sticky-top>
        <div className="app-header__row">
          <h1 className="brand">Quill</h1>
          <div className="app-header__controls">
            <IdentityButton identity={identity.identity} onChange={identity.update} />
          </div>
        </div>
      </header>
      <main className="home-column">
        <div className="home-intro">
          <h2 className="home-title">Documents</h2>
          {!(state.status === 'error' && state.authRequired) && (
            <button type="button" className="button button--primary" data-testid="new-doc" onClick={create} disabled={creating}>
              <PlusIcon />
              {creating ? 'Creating…' : 'New document'}
            </button>
          )}
        </div>
        {createError && (
          <p className="form-error" role="alert">
            {createError}
          </p>
        )}
        <DocListSection state={state} onRetry={reload} onDelete={setDeleting} onCreate={create} />
        <OpenByLink />
      </main>
      {deleting && <DeleteDialog doc={deleting} onConfirm={() => confirmDelete(deleting)} onClose={() => setDeleting(null)} />}
    </div>
  )
}

function DocListSection({
  state,
  onRetry,
  onDelete,
  onCreate,
}: {
  state: ReturnType<typeof useDocList>['state']
  onRetry: () => void
  onDelete: (doc: DocSummary) => void
  onCreate: () => void
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading documents…
      </p>
    )
  }
  if (state.status === 'error') {
    return (
      <div className="empty-state" role="alert">
        <p className="empty-state__title">{state.authRequired ? 'This server needs a share link' : "Couldn't load documents"}</p>
        <p className="muted">
          {state.authRequired ? 'Open a document with the link someone shared with you.' : state.message}
        </p>
        {!state.authRequired && (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    )
  }
  // One stable test id for the loaded list, empty or not.
  return (
    <div data-testid="doc-list" data-count={state.docs.length}>
      {state.docs.length === 0 ? (
        <div className="empty-state" data-testid="doc-list-empty">
          <p className="empty-state__title">No documents yet</p>
          <p className="muted">Create one and share its link to write together.</p>
          <button type="button" className="button" onClick={onCreate}>
            Create your first document
          </button>
        </div>
      ) : (
        <DocList docs={state.docs} onDelete={onDelete} />
      )}
    </div>
  )
}
