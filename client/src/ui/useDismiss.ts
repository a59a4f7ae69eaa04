import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react'

/**
 * Calls `onDismiss` on Escape or on a pointer press outside every element in
 * `refs`. Listens in the capture phase so editors that stop propagation
 * cannot keep a popover open.
 */
export function useDismiss(
  active: boolean,
  refs: ReadonlyArray<RefObject<HTMLElement | null>>,
  onDismiss: (reason: 'escape' | 'outside') => void,
): void {
  // The latest values, so callers need not memoize them.
  const latest = useRef({ refs, onDismiss })
  useLayoutEffect(() => {
    latest.current = { refs, onDismiss }
  })

  useEffect(() => {
    if (!active) return
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target
      if (!(target instanceof Node)) return
      if (latest.current.refs.some((ref) => ref.current?.contains(target))) return
      latest.current.onDismiss('outside')
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      event.preventDefault()
      latest.current.onDismiss('escape')
    }
    document.addEventListener('pointerdown', onPointerDown, true)
    document.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true)
      document.removeEventListener('keydown', onKeyDown)
    }
  }, [active])
}
