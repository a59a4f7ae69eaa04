/**
 * Link targets the writer is willing to put into the shared document.
 *
 * The text comes from a model, which can be steered by whatever it was asked
 * to summarise; a `javascript:` link in a shared document would run in every
 * collaborator's browser on click. Schemes outside this list lose the link
 * but keep the text.
 */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'ftp', 'ftps'])

export function safeHref(href: string): string | null {
  const trimmed = href.trim()
  if (trimmed === '') return null
  // Strip the characters browsers ignore inside a scheme ("java\tscript:").
  const probe = trimmed.replace(/[\u0000-\u0020\u007f]/g, '')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(probe)
  if (scheme === null) return trimmed // relative, fragment or protocol-relative
  return SAFE_SCHEMES.has((scheme[1] ?? '').toLowerCase()) ? trimmed : null
}
