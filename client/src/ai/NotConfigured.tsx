import { forwardRef } from 'react'

/** Shown in place of the AI menus when the server has no model configured. */
export const NotConfigured = forwardRef<HTMLButtonElement, { message: string; onClose: () => void }>(
  function NotConfigured({ message, onClose }, closeRef) {
    return (
      <div className="ai-notice" data-testid="ai-not-configured" role="note">
        <p className="ai-notice__title">AI is not set up on this server</p>
        <p className="ai-notice__message">{message}</p>
        <p className="ai-notice__message">Editing works as usual.</p>
        <button ref={closeRef} type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    )
  },
)
