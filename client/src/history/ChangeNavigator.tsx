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

/**
 * A change in a wide table's far column: its table's box scrolls sideways
 * to it. scrollIntoView, smooth, scrolled the panel down to the row but left
 * the table's box where it was, so at phone width the change stayed out of
 * sight to the right.
 */
function revealInTable(target: HTMLElement): void {
  const box = target.closest<HTMLElement>('.tableWrapper')
  if (!box) return
  const at = target.getBoundingClientRect()
  const frame = box.getBoundingClientRect()
  if (at.left >= frame.left && at.right <= frame.right) return
  // Centered when it fits, its start at the left edge when it doesn't.
  box.scrollLeft += at.left - frame.left - Math.max(0, (frame.width - at.width) / 2)
}

/** How many frames the first change waits for its pane to be shown. */
const MAX_LAYOUT_FRAMES = 30

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
      revealInTable(target)
      target.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' })
      // Again once the panel has scrolled: the vertical smooth scroll can leave the box where it was.
      requestAnimationFrame(() => revealInTable(target))
      setAt(next)
    },
    [root],
  )

  // A newly selected version opens at its first change (once: not again as others type).
  useEffect(() => {
    if (shownFor.current === selectionKey || count === 0) return
    shownFor.current = selectionKey
    setAt(-1)
    // At phone width the version's pane takes the screen a moment after the
    // version is chosen: scrolled to while still hidden, nothing moves.
    const showWhenLaidOut = (tries: number) => {
      requestAnimationFrame(() => {
        const el = root.current
        if (el && el.getClientRects().length === 0 && tries > 0) showWhenLaidOut(tries - 1)
        else show(0)
      })
    }
    showWhenLaidOut(MAX_LAYOUT_FRAMES)
  }, [selectionKey, count, show, root])

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
