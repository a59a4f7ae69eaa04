import type { Editor } from '@tiptap/core'
import { lazy, Suspense, useRef, useState } from 'react'
import { HistoryIcon } from '../ui/icons.tsx'
import type { HistoryAccess } from './HistoryDialog.tsx'

// Loaded on first open: most visits never open History, and the comparison brings its own code.
const HistoryDialog = lazy(() => import('./HistoryDialog.tsx').then((m) => ({ default: m.HistoryDialog })))

/** "History" in the header: opens the version history over the editor. */
export function HistoryButton({ docId, token, editor, access }: { docId: string; token: string | null; editor: Editor; access: HistoryAccess }) {
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="button button--ghost header-button"
        data-testid="history-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label="Version history"
        title="See earlier versions, what changed, and restore one"
        onClick={() => setOpen(true)}
      >
        <HistoryIcon />
        <span className="header-button__text">History</span>
      </button>
      {open && (
        <Suspense fallback={null}>
          <HistoryDialog docId={docId} token={token} editor={editor} access={access} onClose={close} />
        </Suspense>
      )}
    </>
  )
}
