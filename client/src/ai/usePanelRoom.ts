import { useLayoutEffect, useRef, useState, type RefObject } from 'react'

/**
 * The AI panel floats over the bottom of the window. Without room for it at
 * the end of the page, the document's last lines (where a continuation is
 * written) could never be scrolled out from under it. Returns a ref for the
 * panel and the height a spacer at the end of the page needs.
 */
export function usePanelRoom<T extends HTMLElement>(shown: boolean): [RefObject<T | null>, number] {
  const ref = useRef<T>(null)
  const [room, setRoom] = useState(0)
  useLayoutEffect(() => {
    const panel = ref.current
    if (!shown || !panel) return
    // From the panel's top to the window's bottom: its height plus the gap under it.
    const measure = () => setRoom(Math.max(0, Math.ceil(window.innerHeight - panel.getBoundingClientRect().top)))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(panel)
    window.addEventListener('resize', measure)
    return () => {
      observer.disconnect()
      window.removeEventListener('resize', measure)
    }
  }, [shown])
  return [ref, room]
}
