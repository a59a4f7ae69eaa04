/**
 * Whether pasted plain text is Markdown worth converting.
 *
 * A false positive turns someone's prose into a list or a heading they did not
 * ask for, which is worse than leaving real Markdown as text (they can still
 * undo, but they should not have to). So:
 * - several lines: any block syntax (heading, list, task, quote, fence,
 *   table) or inline syntax (link, bold, strike, code) converts;
 * - a single line: only inline syntax does. "1. Introduction" or "# of items"
 *   pasted into a sentence stays text, while "[docs](https://…)" or "**now**"
 *   becomes a link or bold text.
 * Single `*stars*` and `_underscores_` alone never count: file_names_like_this
 * and arithmetic use them too.
 */
const BLOCK_SYNTAX: readonly RegExp[] = [
  /^ {0,3}#{1,6}[ \t]+\S/m,
  /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S/m,
  /^ {0,3}>/m,
  /^ {0,3}(?:```|~~~)/m,
  // A table's delimiter row: | --- | :---: |
  /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$/m,
]

const INLINE_SYNTAX: readonly RegExp[] = [
  /\[[^\]\n]+\]\([^)\s]+(?:\s+"[^"\n]*")?\)/,
  /\*\*[^*\n]*[^*\s]\*\*/,
  /(?:^|\W)__[^_\n]*[^_\s]__(?:\W|$)/,
  /~~[^~\n]*[^~\s]~~/,
  /`[^`\n]+`/,
]

export function looksLikeMarkdown(text: string): boolean {
  const lines = text.split(/\r\n?|\n/).filter((line) => line.trim() !== '')
  if (lines.length === 0) return false
  if (INLINE_SYNTAX.some((pattern) => pattern.test(text))) return true
  return lines.length > 1 && BLOCK_SYNTAX.some((pattern) => pattern.test(text))
}
