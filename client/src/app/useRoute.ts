import { useSyncExternalStore } from 'react'
import { NAVIGATE_EVENT, parseRoute, type Route } from './router.ts'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(NAVIGATE_EVENT, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(NAVIGATE_EVENT, onChange)
  }
}

const getPathname = () => location.pathname

/** The current route; re-renders on back/forward and on `navigate`. */
export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, getPathname)
  return parseRoute(pathname)
}
