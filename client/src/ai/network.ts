/**
 * Whether this device has a network at all, as the browser tells it.
 * `navigator.onLine === false` is reliable (nothing can get through), while
 * true is only a hint; so the AI code waits for "online" instead of
 * retrying into a dead network, and still treats failures as possible when
 * it says online. Passed in, so the stream and the controller are tested
 * without a browser.
 */
export interface NetworkStatus {
  online(): boolean
  /** Called on every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

export const ALWAYS_ONLINE: NetworkStatus = { online: () => true, subscribe: () => () => undefined }

export function browserNetwork(): NetworkStatus {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return ALWAYS_ONLINE
  return {
    online: () => navigator.onLine,
    subscribe: (listener) => {
      window.addEventListener('online', listener)
      window.addEventListener('offline', listener)
      return () => {
        window.removeEventListener('online', listener)
        window.removeEventListener('offline', listener)
      }
    },
  }
}

/** Resolves when the network is back (at once if it is), or when `signal` aborts. */
export function untilOnline(network: NetworkStatus, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (network.online() || signal.aborted) return resolve()
    const done = () => {
      unsubscribe()
      signal.removeEventListener('abort', done)
      resolve()
    }
    const unsubscribe = network.subscribe(() => {
      if (network.online()) done()
    })
    signal.addEventListener('abort', done)
  })
}
