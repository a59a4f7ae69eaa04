import { useEffect, useState } from 'react'
import { roleAtLeast } from '../../../shared/roles.ts'
import { createDoc } from '../api/docsApi.ts'
import { ApiError, describeError } from '../api/http.ts'
import { readTokenClaims } from '../auth/claims.ts'
import { MessagePage } from './MessagePage.tsx'

const VIEW_ONLY = 'Your link lets you view this address, not create a document at it. Ask whoever shared it to create the document, or check the link for a typo.'

/** `/d/<id>` for an id never created: say so, and create it only when asked (and only for someone who may). */
export function MissingDocPage({ docId, token, onCreated }: { docId: string; token: string | null; onCreated: () => void }) {
  // A hint only (the server decides): a viewer's link would get a 403 for the button.
  const role = token ? readTokenClaims(token)?.role : null
  const [viewOnly, setViewOnly] = useState(role != null && !roleAtLeast(role, 'editor'))
  const [creating, setCreating] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    document.title = "Document doesn't exist · Quill"
  }, [])

  const create = async () => {
    setCreating(true)
    setError(null)
    try {
      await createDoc(token, docId)
      onCreated()
    } catch (err) {
      // Someone created it meanwhile (or it was deleted): the editor shows which.
      if (err instanceof ApiError && err.status === 409) return onCreated()
      if (err instanceof ApiError && err.status === 403) setViewOnly(true)
      else setError(describeError(err))
      setCreating(false)
    }
  }

  return (
    <MessagePage
      title="This document doesn't exist"
      actions={
        !viewOnly && (
          <button type="button" className="button button--primary" data-testid="create-missing" disabled={creating} onClick={create}>
            {creating ? 'Creating…' : 'Create it'}
          </button>
        )
      }
    >
      <p data-testid="missing-doc">
        {viewOnly ? (
          VIEW_ONLY
        ) : (
          <>
            There is no document at this address. Check the link for a typo, or create a new, empty document with this address (<code>{docId.slice(0, 128)}</code>).
          </>
        )}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </MessagePage>
  )
}
