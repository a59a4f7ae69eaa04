import { useEffect, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import { Link } from '../app/Link.tsx'
import { docPath } from '../app/router.ts'
import { TrashIcon } from '../ui/icons.tsx'
import { relativeTime } from './relativeTime.ts'

interface DocListProps {
  docs: DocSummary[]
  onDelete: (doc: DocSummary) => void
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

export function DocList({ docs, onDelete }: DocListProps) {
  const now = useNow()
  return (
    <ul className="doc-list" aria-label="Documents">
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
