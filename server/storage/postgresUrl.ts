/**
 * DATABASE_URL checks and a printable form of it. Messages about the
 * database name its host and database, never the password, because start-up
 * errors end up in logs that more people read than the secrets file.
 */

/** Why `raw` is not a usable PostgreSQL URL, or null when it is. */
export function postgresUrlProblem(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'is not a URL; expected postgres://user:password@host:5432/dbname'
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return `must start with postgres:// or postgresql:// (got ${url.protocol}//...)`
  }
  if (!url.hostname && !url.searchParams.get('host')) return 'names no host; expected postgres://user:password@host:5432/dbname'
  return null
}

/** `host:port/dbname` of a PostgreSQL URL, for messages. */
export function describeDatabase(raw: string): string {
  try {
    const url = new URL(raw)
    const host = url.hostname || url.searchParams.get('host') || 'localhost'
    const db = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)'
    return `${host}:${url.port || '5432'}/${db}`
  } catch {
    return '(unparsable DATABASE_URL)'
  }
}
