/**
 * What every store shares about search: how a query becomes words, and how
 * a snippet is cut. A query is never passed to a query language as written
 * (FTS5 MATCH, to_tsquery): only its runs of letters and digits are kept,
 * so `"`, `AND(` or `*` are separators, not syntax.
 */

const WORD = /[\p{L}\p{N}]+/gu
const MAX_WORDS = 8
const MAX_WORD = 64

/** Lower-case words of the query, each to be matched as a word prefix; empty when nothing is searchable. */
export function searchWords(query: string): string[] {
  const words = query.toLowerCase().match(WORD) ?? []
  return [...new Set(words.map((w) => w.slice(0, MAX_WORD)))].slice(0, MAX_WORDS)
}

/** Characters of body kept before the first match, and the window's length (what the SQL stores read). */
export const SNIPPET_BEFORE = 60
export const SNIPPET_WINDOW = 200

/**
 * A snippet from a window of the body that starts `SNIPPET_BEFORE` characters
 * before the match (or at the start): cut at word edges, with an ellipsis
 * where text was left out.
 */
export function tidySnippet(window: string, fromStart: boolean, toEnd: boolean): string {
  let s = window.replace(/\s+/g, ' ')
  if (!fromStart) s = s.replace(/^\S*\s/, '')
  if (!toEnd) s = s.replace(/\s\S*$/, '')
  s = s.trim()
  return `${fromStart ? '' : '…'}${s}${toEnd ? '' : '…'}`
}

/** The snippet of a window that SQL cut from 1-based position max(1, pos - SNIPPET_BEFORE) of a body `len` long. */
export function windowSnippet(win: string, pos: number, len: number): string {
  const start = Math.max(1, pos - SNIPPET_BEFORE)
  return tidySnippet(win, start === 1, start - 1 + SNIPPET_WINDOW >= len)
}

/** The snippet around the first word's first occurrence in `text`, or null if it is not there (memory store). */
export function snippetOf(text: string, words: readonly string[]): string | null {
  const at = words[0] ? text.toLowerCase().indexOf(words[0]) : -1
  if (at < 0) return null
  const start = Math.max(0, at - SNIPPET_BEFORE)
  return tidySnippet(text.slice(start, start + SNIPPET_WINDOW), start === 0, start + SNIPPET_WINDOW >= text.length)
}

/** Whether every word is a prefix of some word of `text` (the memory store's plain scan). */
export function matchesAll(text: string, words: readonly string[]): boolean {
  const own = text.toLowerCase().match(WORD) ?? []
  return words.every((w) => own.some((o) => o.startsWith(w)))
}
