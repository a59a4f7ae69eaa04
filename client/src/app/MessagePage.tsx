import type { ReactNode } from 'react'
import { Link } from './Link.tsx'

/** A calm full-page message (not found, invalid link) with a way home, after the page's own `actions` if any. */
export function MessagePage({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <main className="message-page">
      <h1 className="message-page__title">{title}</h1>
      <div className="message-page__body">{children}</div>
      <div className="message-page__actions">
        {actions}
        <Link href="/" className={actions ? 'button' : 'button button--primary'}>
          Go to your documents
        </Link>
      </div>
    </main>
  )
}
