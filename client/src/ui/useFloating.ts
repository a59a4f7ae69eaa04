import { useLayoutEffect, useRef, useState, type CSSProperties, type RefObject } from 'react'

export interface AnchorRect {
  top: number
  bottom: number
  left: number
  right: number
}

export interface FloatingOptions {
  prefer: 'above' | 'below'
  align: 'center' | 'start'
  gap?: number
}

const MARGIN = 8
// Transparent rather than `visibility: hidden` while unplaced: a hidden element
// cannot take focus, and menus focus their first item as they open.
const HIDDEN: CSSProperties = { position: 'fixed', top: 0, left: 0, opacity: 0, pointerEvents: 'none' }

/** Bottom edge of the sticky header: a popover must not hide under it. */
function stickyTop(): number {
  return document.querySelector('[data-sticky-top]')?.getBoundingClientRect().bottom ?? 0
}

/**
 * Places a fixed-position element next to an anchor in the viewport: on the
 * preferred side when it fits, else the other, always clamped to the screen.
 * Recomputes after every render (the anchor moves as the document changes)
 * and on scroll and resize.
 */
export function useFloating(
  open: boolean,
  getAnchor: () => AnchorRect | null,
  options: FloatingOptions,
): { ref: RefObject<HTMLDivElement | null>; style: CSSProperties } {
  const ref = useRef<HTMLDivElement | null>(null)
  const [style, setStyle] = useState<CSSProperties>(HIDDEN)
  const latest = useRef({ getAnchor, options })

  useLayoutEffect(() => {
    latest.current = { getAnchor, options }
  })

  useLayoutEffect(() => {
    if (!open) return
    const update = () => {
      const next = compute(ref.current, latest.current.getAnchor(), latest.current.options)
      setStyle((current) => (sameStyle(current, next) ? current : next))
    }
    update()
    window.addEventListener('scroll', update, { capture: true, passive: true })
    window.addEventListener('resize', update)
    window.visualViewport?.addEventListener('resize', update)
    return () => {
      window.removeEventListener('scroll', update, { capture: true })
      window.removeEventListener('resize', update)
      window.visualViewport?.removeEventListener('resize', update)
    }
  })

  return { ref, style: open ? style : HIDDEN }
}

function compute(element: HTMLElement | null, anchor: AnchorRect | null, options: FloatingOptions): CSSProperties {
  if (!element || !anchor) return HIDDEN
  const gap = options.gap ?? 8
  const width = element.offsetWidth
  const height = element.offsetHeight
  const viewportWidth = document.documentElement.clientWidth
  const viewportHeight = window.visualViewport?.height ?? window.innerHeight
  const minTop = stickyTop() + MARGIN

  const above = anchor.top - gap - height
  const below = anchor.bottom + gap
  const fitsAbove = above >= minTop
  const fitsBelow = below + height <= viewportHeight - MARGIN
  let top = options.prefer === 'above' ? (fitsAbove || !fitsBelow ? above : below) : fitsBelow || !fitsAbove ? below : above
  top = Math.max(minTop, Math.min(top, viewportHeight - height - MARGIN))

  const preferredLeft = options.align === 'center' ? (anchor.left + anchor.right) / 2 - width / 2 : anchor.left
  const left = Math.max(MARGIN, Math.min(preferredLeft, viewportWidth - width - MARGIN))
  return { position: 'fixed', top: Math.round(top), left: Math.round(left) }
}

function sameStyle(a: CSSProperties, b: CSSProperties): boolean {
  return a.top === b.top && a.left === b.left && a.opacity === b.opacity
}
