import { useEffect } from 'react'
import { DOC_SORTS, type DocSort } from '../../../shared/apiTypes.ts'

/**
 * The list's search and order live in the address (`/?q=budget&sort=title`):
 * Back from a document opened from the results comes back to them, and a
 * search can be bookmarked or shared. It is written with replaceState, so
 * typing adds no history entries.
 */
export function listAddress(): { q: string; sort: DocSort } {
  const params = new URLSearchParams(location.search)
  const sort = params.get('sort')
  return { q: params.get('q') ?? '', sort: DOC_SORTS.find((s) => s === sort) ?? 'updated' }
}

export function useListAddress(q: string, sort: DocSort): void {
  useEffect(() => {
    const params = new URLSearchParams(location.search)
    if (q.trim()) params.set('q', q)
    else params.delete('q')
    if (sort !== 'updated') params.set('sort', sort)
    else params.delete('sort')
    const search = params.toString()
    const next = `${location.pathname}${search ? `?${search}` : ''}${location.hash}`
    if (next !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', next)
  }, [q, sort])
}
