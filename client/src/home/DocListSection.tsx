import type { DocSummary } from '../../../shared/index.ts'
import { DocList } from './DocList.tsx'
import type { DocListState } from './useDocList.ts'

/** What the home page shows under the search box: loading, an error, the list, or a search's results. */
export function DocListSection({
  state,
  onRetry,
  onDelete,
  onCreate,
  onClearSearch,
  onLeaveList,
}: {
  state: DocListState
  onRetry: () => void
  onDelete: (doc: DocSummary) => void
  onCreate: () => void
  onClearSearch: () => void
  /** ArrowUp on the first document: back to the search box. */
  onLeaveList: () => void
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading documents…
      </p>
    )
  }
  if (state.status === 'error') {
    return (
      <div className="empty-state" role="alert">
        <p className="empty-state__title">{state.authRequired ? 'This server needs a share link' : "Couldn't load documents"}</p>
        <p className="muted">
          {state.authRequired ? 'Open a document with the link someone shared with you.' : state.message}
        </p>
        {!state.authRequired && (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    )
  }
  if (state.query) {
    return <SearchResults docs={state.docs} truncated={state.truncated} query={state.query} onDelete={onDelete} onClear={onClearSearch} onLeaveList={onLeaveList} />
  }
  // One stable test id for the loaded list, empty or not.
  return (
    <div data-testid="doc-list" data-count={state.docs.length}>
      {state.docs.length === 0 ? (
        <div className="empty-state" data-testid="doc-list-empty">
          <p className="empty-state__title">No documents yet</p>
          <p className="muted">Create one and share its link to write together.</p>
          <button type="button" className="button" onClick={onCreate}>
            Create your first document
          </button>
        </div>
      ) : (
        <DocList docs={state.docs} onDelete={onDelete} onLeaveTop={onLeaveList} />
      )}
    </div>
  )
}

function SearchResults({
  docs,
  truncated,
  query,
  onDelete,
  onClear,
  onLeaveList,
}: {
  docs: DocSummary[]
  truncated: boolean
  query: string
  onDelete: (doc: DocSummary) => void
  onClear: () => void
  onLeaveList: () => void
}) {
  const count = docs.length === 1 ? '1 document matches' : `${docs.length} documents match`
  const summary =
    docs.length === 0
      ? `No documents match “${query}”`
      : truncated
        ? `More than ${docs.length} documents match “${query}”: these are the ${docs.length} changed most recently. Add a word to narrow it down.`
        : `${count} “${query}”`
  return (
    <div data-testid="doc-results" data-count={docs.length} data-truncated={truncated}>
      <p className="search-summary" role="status">
        {summary}
        {docs.length === 0 && (
          <button type="button" className="link-button" onClick={onClear}>
            Clear search
          </button>
        )}
      </p>
      {docs.length > 0 && <DocList docs={docs} onDelete={onDelete} onLeaveTop={onLeaveList} />}
    </div>
  )
}
