import { useEffect } from 'react'
import { MessagePage } from './MessagePage.tsx'

/** `/d/<id>` with no answer from the server and no copy on this device to open instead. */
export function OfflineDocPage({ onRetry }: { onRetry: () => void }) {
  useEffect(() => {
    document.title = 'Offline · Quill'
  }, [])
  return (
    <MessagePage
      title="You're offline"
      actions={
        <button type="button" className="button button--primary" data-testid="retry-offline" onClick={onRetry}>
          Try again
        </button>
      }
    >
      <p data-testid="offline-doc">
        The server can't be reached, and this document has no copy on this device yet. It opens once you're back online; documents you have opened here
        before open without a connection.
      </p>
    </MessagePage>
  )
}
