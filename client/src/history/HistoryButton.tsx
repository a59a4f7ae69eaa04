import type { Editor } from '@tiptap/core'
import { lazy, Suspense } from 'react'
import { HeaderDialogButton } from '../ui/HeaderDialogButton.tsx'
import { HistoryIcon } from '../ui/icons.tsx'
import type { HistoryAccess } from './HistoryDialog.tsx'

// Loaded on first open: most visits never open History, and the comparison brings its own code.
const HistoryDialog = lazy(() => import('./HistoryDialog.tsx').then((m) => ({ default: m.HistoryDialog })))

/** "History" in the header: opens the version history over the editor. */
export function HistoryButton({ docId, token, editor, access }: { docId: string; token: string | null; editor: Editor; access: HistoryAccess }) {
  return (
    <HeaderDialogButton
      icon={<HistoryIcon />}
      text="History"
      label="Version history"
      hint="See earlier versions, what changed, and restore one"
      testId="history-button"
      dialog={(close) => (
        <Suspense fallback={null}>
          <HistoryDialog docId={docId} token={token} editor={editor} access={access} onClose={close} />
        </Suspense>
      )}
    />
  )
}
