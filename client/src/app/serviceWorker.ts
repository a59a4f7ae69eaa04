/**
 * Registers public/sw.js (offline app shell) in production builds only: in
 * development it would cache Vite's modules and serve stale code.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // No offline shell (e.g. plain http on a LAN host): the app works online as before.
    })
  })
}
