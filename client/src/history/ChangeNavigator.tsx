/**
 * "Previous change / Next change" over a comparison: in a long document the
 * few blocks that differ can be screens apart. Opening a version brings its
 * first change into view.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'

/** The outermost marked blocks (or, side by side, the rows that differ). */
function targets(root: HTMLElement | null): HTMLElement[] {
  if (!root) return []
  const rows = root.querySelectorAll<HTMLElement>('.version-diff__row:not(.version-diff__row--same):not(.version-diff__heads)')
  if (rows.length) return [...rows]
  return [...root.querySelectorAll<HTMLElement>('.diff-block')].filter((el) => !el.parentElement?.closest('.diff-block'))
}

export function ChangeNavigator({ root, count, selectionKey }: { root: RefObject<HTMLElement | null>; count: number; selectionKey: string }) {
  const [at, setAt] = useState(-1)
  const shownFor = useRef<string | null>(null)

  const show = useCallback(
    (index: number) => {
      const all = targets(root.current)
      if (!all.length) return
      const next = ((index % all.length) + all.length) % all.length
      for (const el of all) el.classList.remove('diff-current')
      const target = all[next]!
      target.classList.add('diff-current')
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches
      target.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' })
      setAt(next)
    },
    [root],
  )

  // A newly selected version opens at its first change (once: not again as others type).
  useEffect(() => {
    if (shownFor.current === selectionKey || count === 0) return
    shownFor.current = selectionKey
    setAt(-1)
    requestAnimationFrame(() => show(0))
  }, [selectionKey, count, show])

  if (count === 0) return null
  const total = targets(root.current).length || count
  return (
    <span className="change-nav">
      <button type="button" className="button button--ghost change-nav__button" onClick={() => show(at - 1)} aria-label="Previous change">
        ↑
      </button>
      <button type="button" className="button button--ghost change-nav__button" onClick={() => show(at + 1)} aria-label="Next change">
        ↓
      </button>
      <span className="change-nav__where" aria-live="polite">
        {at >= 0 ? `Change ${Math.min(at + 1, total)} of ${total}` : `${total} ${total === 1 ? 'change' : 'changes'}`}
      </span>
    </span>
  )
}
