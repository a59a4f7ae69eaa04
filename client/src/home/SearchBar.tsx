import type { Ref } from 'react'
import { SEARCH_MAX_CHARS, type DocSort } from '../../../shared/apiTypes.ts'

const SORT_LABELS: Record<DocSort, string> = { updated: 'Last changed', title: 'Title', created: 'Created' }

interface SearchBarProps {
  ref?: Ref<HTMLInputElement>
  query: string
  onQuery: (q: string) => void
  sort: DocSort
  onSort: (sort: DocSort) => void
  /** ArrowDown in the box: on to the documents. */
  onArrowDown: () => void
}

/** The list's search box (Esc clears it, ArrowDown goes to the documents) and its order. */
export function SearchBar({ ref, query, onQuery, sort, onSort, onArrowDown }: SearchBarProps) {
  return (
    <div className="doc-search" role="search">
      <label className="doc-search__field">
        <span className="visually-hidden">Search documents</span>
        <input
          type="search"
          className="text-input doc-search__input"
          placeholder="Search titles and text…"
          ref={ref}
          value={query}
          maxLength={SEARCH_MAX_CHARS}
          data-testid="doc-search"
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={(e) => {
            // Browsers clear a search field on Esc only sometimes; do it always, and keep the focus here.
            if (e.key === 'Escape' && query) {
              e.preventDefault()
              onQuery('')
            }
            if (e.key === 'ArrowDown') {
              e.preventDefault()
              onArrowDown()
            }
          }}
        />
      </label>
      <label className="doc-search__sort">
        <span className="doc-search__sort-label">Sort by</span>
        <select className="text-input select-input doc-search__select" value={sort} data-testid="doc-sort" onChange={(e) => onSort(e.target.value as DocSort)}>
          {(Object.keys(SORT_LABELS) as DocSort[]).map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
