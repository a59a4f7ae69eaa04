/**
 * Who may read /metrics. By default only the machine itself (a Prometheus
 * or node exporter next to the server); METRICS_TOKEN opens it to scrapers
 * elsewhere that send `Authorization: Bearer <token>`.
 *
 * Loopback is judged by the TCP peer's address, never by X-Forwarded-For:
 * behind a reverse proxy on the same machine every request comes from
 * loopback, so put /metrics out of the proxy's reach (or set a token).
 */
import { createHash, timingSafeEqual } from 'node:crypto'

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}

/** Compares hashes, so neither the length nor the content of the token leaks through timing. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null
  if (!m) return false
  const a = createHash('sha256').update(m[1]!.trim()).digest()
  const b = createHash('sha256').update(token).digest()
  return timingSafeEqual(a, b)
}

export function metricsAllowed(remoteAddress: string | undefined, authorization: string | undefined, token: string | null): boolean {
  if (token !== null && bearerMatches(authorization, token)) return true
  return isLoopbackAddress(remoteAddress)
}
