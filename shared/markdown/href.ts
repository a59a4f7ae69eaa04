/**
 * Link targets allowed into the shared document: `http`, `https` and
 * `mailto`, whoever writes them (a model, a paste, an import or the link
 * dialog).
 *
 * A model can be steered by whatever it was asked to summarise, and a pasted
 * page is anyone's HTML; a `javascript:` or `data:` link in a shared document
 * would run in every collaborator's browser on click. A target outside this
 * list loses the link but keeps its text. Relative targets and fragments have
 * no meaning outside the page they came from, so they are dropped too.
 */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto'])

export function safeHref(href: string): string | null {
  const trimmed = href.trim()
  if (trimmed === '') return null
  // Strip the characters browsers ignore inside a scheme ("java\tscript:").
  const probe = trimmed.replace(/[\u0000-\u0020\u007f]/g, '')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(probe)
  if (scheme === null) return null
  if (!SAFE_SCHEMES.has((scheme[1] ?? '').toLowerCase())) return null
  // "https:" alone, or "https:foo", is not an address anyone meant.
  if (!/^mailto:/i.test(probe) && !/^https?:\/\/[^/?#\s]/i.test(probe)) return null
  return trimmed
}
