import { useEffect, useRef, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'

interface DeleteDialogProps {
  doc: DocSummary
  onConfirm: () => Promise<void>
  onClose: () => void
}

/** A modal confirmation (native <dialog>: focus trap and Escape come for free). */
export function DeleteDialog({ doc, onConfirm, onClose }: DeleteDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)

  // No close() on cleanup: its `close` event would arrive after a remount and
  // close the dialog again; removing the element ends the modal state anyway.
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const confirm = async () => {
    setPending(true)
    setError(null)
    try {
      await onConfirm()
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : 'Could not delete the document.')
      setPending(false)
    }
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-detail"
      onClose={onClose}
      onCancel={(event) => {
        if (pending) event.preventDefault()
      }}
    >
      <h2 id="delete-title" className="dialog__title">
        Delete “{doc.title}”?
      </h2>
      <p id="delete-detail" className="dialog__detail">
        It will be deleted for everyone who has the link. This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} disabled={pending} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button--danger" onClick={confirm} disabled={pending} data-testid="confirm-delete">
          {pending ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </dialog>
  )
}
