import type { ReactNode } from 'react'
import { Link } from '../app/Link.tsx'
import { ChevronLeftIcon } from '../ui/icons.tsx'

/** The sticky bar above the document: way home, title, and the document's controls. */
export function EditorHeader({ title, children, toolbar }: { title: string; children: ReactNode; toolbar: ReactNode }) {
  return (
    <header className="app-header app-header--editor" data-sticky-top>
      <div className="app-header__row">
        <Link href="/" className="back-link" aria-label="All documents">
          <ChevronLeftIcon />
          <span className="back-link__text">Documents</span>
        </Link>
        <h1 className="app-header__title" title={title}>
          {title}
        </h1>
        <div className="app-header__controls">{children}</div>
      </div>
      {toolbar}
    </header>
  )
}
