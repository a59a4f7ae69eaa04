import { useEffect, useRef, type RefObject } from 'react'

const row = (id: string) => `[data-doc-id="${CSS.escape(id)}"]`

/**
 * Where focus goes once the delete dialog has gone: it is removed, not
 * closed, so the browser does not put focus back, and a keyboard user would
 * be left on the page's body. After Cancel, back to that row's delete
 * button; after a delete, on to the next document (the one before, for the
 * last), or the search box when none is left.
 */
export function useFocusAfterDelete(list: RefObject<HTMLElement | null>, searchBox: RefObject<HTMLElement | null>, dialogOpen: boolean) {
  // A selector in the list, '' for the search box, null for nothing to do.
  const pending = useRef<string | null>(null)
  useEffect(() => {
    const selector = pending.current
    if (selector === null || dialogOpen) return
    pending.current = null
    const target = selector ? list.current?.querySelector<HTMLElement>(selector) : null
    ;(target ?? searchBox.current)?.focus()
  })
  return {
    cancelled: (id: string) => {
      pending.current = `${row(id)} [data-testid="delete-doc"]`
    },
    /** Before the row goes from the list. */
    deleting: (id: string) => {
      const gone = list.current?.querySelector(row(id))
      const neighbor = (gone?.nextElementSibling ?? gone?.previousElementSibling)?.getAttribute('data-doc-id')
      pending.current = neighbor ? `${row(neighbor)} a` : ''
    },
  }
}
