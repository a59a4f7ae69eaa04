import { useEffect, useState } from 'react'
import { createDoc } from '../api/docsApi.ts'
import { ApiError, describeError } from '../api/http.ts'
import { MessagePage } from './MessagePage.tsx'

/** `/d/<id>` for an id never created: say so, and create it only when asked. */
export function MissingDocPage({ docId, token, onCreated }: { docId: string; token: string | null; onCreated: () => void }) {
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
      setError(describeError(err))
      setCreating(false)
    }
  }

  return (
    <MessagePage
      title="This document doesn't exist"
      actions={
        <button type="button" className="button button--primary" data-testid="create-missing" disabled={creating} onClick={create}>
          {creating ? 'Creating…' : 'Create it'}
        </button>
      }
    >
      <p data-testid="missing-doc">
        There is no document at this address. Check the link for a typo, or create a new, empty document with this address (<code>{docId.slice(0, 128)}</code>).
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </MessagePage>
  )
}
