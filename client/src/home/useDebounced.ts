import { useEffect, useState } from 'react'

/** `value`, once it has stopped changing for `ms` (at once when it becomes empty: clearing should feel instant). */
export function useDebounced<T>(value: T, ms: number, immediate: (v: T) => boolean = () => false): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    if (immediate(value)) {
      setSettled(value)
      return
    }
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms, immediate])
  return settled
}
