import { useEffect } from 'react'
import { MessagePage } from './MessagePage.tsx'

/** `/d/<id>` with no answer from the server and no copy on this device to open instead. */
export function OfflineDocPage({ onRetry }: { onRetry: () => void }) {
  useEffect(() => {
    document.title = 'Not connected · Quill'
  }, [])
  return (
    <MessagePage
      title="Can't reach the server"
      actions={
        <button type="button" className="button button--primary" data-testid="retry-offline" onClick={onRetry}>
          Try again
        </button>
      }
    >
      <p data-testid="offline-doc">
        You may be offline, or the server is down, and this document has no copy on this device yet. It opens as soon as the server answers; documents
        you have opened here before open without a connection.
      </p>
    </MessagePage>
  )
}
