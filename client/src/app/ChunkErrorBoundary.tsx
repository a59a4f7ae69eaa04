import { Component, type ReactNode } from 'react'
import { MessagePage } from './MessagePage.tsx'

/**
 * A page whose code could not be fetched (offline, or the server went away
 * mid-release) says so, instead of React unmounting everything into a blank
 * page. Trying again reloads: the browser keeps a failed import.
 */
export class ChunkErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true }
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children
    return (
      <MessagePage
        title="Couldn't open the editor"
        actions={
          <button type="button" className="button button--primary" onClick={() => location.reload()}>
            Try again
          </button>
        }
      >
        <p>The editor could not be loaded from the server. Check your connection and try again.</p>
      </MessagePage>
    )
  }
}
