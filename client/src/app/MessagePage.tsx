import type { ReactNode } from 'react'
import { Link } from './Link.tsx'

/** A calm full-page message (not found, invalid link) with a way home. */
export function MessagePage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="message-page">
      <h1 className="message-page__title">{title}</h1>
      <div className="message-page__body">{children}</div>
      <Link href="/" className="button button--primary">
        Go to your documents
      </Link>
    </main>
  )
}
