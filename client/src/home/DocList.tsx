import { useEffect, useState, type KeyboardEvent } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import { Link } from '../app/Link.tsx'
import { docPath } from '../app/router.ts'
import { TrashIcon } from '../ui/icons.tsx'
import { relativeTime } from './relativeTime.ts'

interface DocListProps {
  docs: DocSummary[]
  onDelete: (doc: DocSummary) => void
  /** ArrowUp on the first document. */
  onLeaveTop: () => void
}

/** Re-renders every minute so "edited … ago" stays true. */
function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

/**
 * ↑/↓ move between the documents' links, Home/End to the first and last
 * (Tab still visits each link and its delete button): a list of hundreds is
 * walked a document at a time, not two tab stops at a time.
 */
function moveBetweenLinks(event: KeyboardEvent<HTMLUListElement>, onLeaveTop: () => void): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End']
  if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a.doc-list__link')]
  const at = links.findIndex((link) => link.contains(document.activeElement) || link.parentElement?.contains(document.activeElement))
  if (at < 0) return
  event.preventDefault()
  if (event.key === 'ArrowUp' && at === 0) return onLeaveTop()
  const next = { ArrowDown: Math.min(at + 1, links.length - 1), ArrowUp: at - 1, Home: 0, End: links.length - 1 }[event.key]!
  links[next]?.focus()
}

export function DocList({ docs, onDelete, onLeaveTop }: DocListProps) {
  const now = useNow()
  return (
    <ul className="doc-list" aria-label="Documents" onKeyDown={(event) => moveBetweenLinks(event, onLeaveTop)}>
      {docs.map((doc) => (
        <li key={doc.id} className="doc-list__item" data-testid="doc-item" data-doc-id={doc.id}>
          <Link href={docPath(doc.id)} className="doc-list__link">
            <span className="doc-list__title">{doc.title || 'Untitled'}</span>
            <span className="doc-list__meta">
              Edited <time dateTime={doc.updatedAt} title={new Date(doc.updatedAt).toLocaleString()}>{relativeTime(doc.updatedAt, now)}</time>
              {doc.lastEditedBy && <> by {doc.lastEditedBy}</>}
            </span>
            {doc.snippet && <span className="doc-list__snippet">{doc.snippet}</span>}
          </Link>
          <button
            type="button"
            className="icon-button doc-list__delete"
            aria-label={`Delete “${doc.title || 'Untitled'}”`}
            title="Delete"
            data-testid="delete-doc"
            onClick={() => onDelete(doc)}
          >
            <TrashIcon />
          </button>
        </li>
      ))}
    </ul>
  )
}
