/**
 * What a person types into the link field → an address the document accepts.
 *
 * People type "example.com" or "ann@example.com" far more often than a full
 * URL, so those are completed (https:, mailto:). Everything then goes through
 * `safeHref`, the one rule for links in the shared document: a refused
 * address is reported, never stored and never silently rewritten into
 * something else.
 */
import { safeHref } from '../../../../shared/markdown/href.ts'

export type HrefResult = { ok: true; href: string } | { ok: false; message: string }

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
// A host name with a dot and no spaces, maybe with a port and a path: "example.com/a?b".
const BARE_HOST = /^[^\s/:@]+\.[^\s/:@]+(?::\d+)?(?:[/?#]\S*)?$/
const HOST_PORT = /^[^\s/:]+:\d+(?:[/?#]|$)/
const LOCALHOST = /^localhost(?::\d+)?(?:[/?#]\S*)?$/i
const BARE_EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/

export const REFUSED_MESSAGE = 'Only web (http, https) and email (mailto) addresses can be linked.'
export const INVALID_MESSAGE = 'That is not a complete address: check it for spaces or typos.'

/** An address a browser can open: a web address needs a host without spaces, an email one a recipient. */
function complete(href: string): boolean {
  if (/^mailto:/i.test(href)) return href.length > 'mailto:'.length
  // Checked here, not left to URL(): Chromium accepts "exa mple.com" as a host (percent-encoded), which names no server.
  const host = /^[a-z]+:\/\/([^/?#]*)/i.exec(href)?.[1] ?? ''
  if (host === '' || /\s/.test(host)) return false
  try {
    new URL(href)
    return true
  } catch {
    return false
  }
}

export function normalizeHref(input: string): HrefResult {
  // Browsers drop tabs and line breaks from an address (URL standard); a pasted one may hold them.
  const typed = input.replace(/[\t\n\r]/g, '').trim()
  if (typed === '') return { ok: false, message: 'Enter an address.' }
  let candidate = typed
  // "example.com:8080" reads like a scheme to a URL parser; a number after the colon is a port.
  const hasScheme = SCHEME.test(typed) && !HOST_PORT.test(typed)
  if (!hasScheme) {
    if (typed.startsWith('//')) candidate = `https:${typed}`
    else if (BARE_EMAIL.test(typed)) candidate = `mailto:${typed}`
    else if (BARE_HOST.test(typed) || LOCALHOST.test(typed)) candidate = `https://${typed}`
  }
  const href = safeHref(candidate)
  if (href === null) return { ok: false, message: REFUSED_MESSAGE }
  return complete(href) ? { ok: true, href } : { ok: false, message: INVALID_MESSAGE }
}
