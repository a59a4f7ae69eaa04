/**
 * What every store shares about search: how text and queries become terms,
 * how a query's terms match a document's, and how a snippet is cut. Every
 * store indexes exactly the terms `indexTerms` gives and asks exactly the
 * terms `queryTerms` gives, so SQLite, PostgreSQL and memory find the same
 * documents (the contract suite holds them to it). No store's tokenizer
 * decides anything: FTS5 reads the terms with its `ascii` tokenizer (every
 * non-ASCII character is part of a word, so our words stay whole) and
 * PostgreSQL gets them as a `tsvector` built from the array.
 *
 * - A word is a run of letters, digits and combining marks (the vowel signs
 *   of Hindi or Thai belong to their word), so `"`, `AND(`, `*` or `@` in a
 *   query are separators, never syntax.
 * - Words are folded: lower case, compatibility forms (full-width `Ｑ`,
 *   half-width kana, `ﬁ`), accents on Latin and Greek letters removed
 *   (`café` = `cafe`, `ΈΝΑ` = `ενα`), `ß` = `ss`. Cyrillic `й` keeps its
 *   breve: there it makes a different letter.
 * - Chinese and Japanese have no spaces between words, so their runs are
 *   indexed as overlapping pairs of characters (`東京都` → `東京`, `京都`,
 *   and the last character alone): a query of two or more such characters
 *   needs each of its pairs, one character matches any pair it starts.
 * - Other words match as prefixes: `quar` finds `quarterly`.
 */

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu
/** Scripts written without spaces between words (and the marks they share, like `ー`). */
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+/u
const CJK_RUNS = new RegExp(`(${CJK.source})`, 'u')
const LATIN_OR_GREEK_MARKS = /([\p{sc=Latin}\p{sc=Greek}])\p{M}+/gu
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/

/** Longest term: a longer word is indexed and asked by its start. */
const MAX_TERM = 64
const MAX_QUERY_TERMS = 16
/** A pathological text (every pair of ideographs different) must still fit PostgreSQL's 1 MB tsvector. */
const MAX_INDEX_TERMS = 50_000

/** Lower case, compatibility forms, Latin and Greek accents removed, ß as ss, final sigma as sigma. */
export function fold(text: string): string {
  // Most words are plain ASCII, for which this is all (and the rest is slow).
  if (ASCII.test(text)) return text.toLowerCase()
  return text.toLowerCase().normalize('NFKD').replace(LATIN_OR_GREEK_MARKS, '$1').normalize('NFC').replace(/ß/g, 'ss').replace(/ς/g, 'σ')
}

/** A query term: a word matched as a prefix, or a pair of ideographs matched whole. */
export interface QueryTerm {
  term: string
  prefix: boolean
}

export interface SearchQuery {
  terms: QueryTerm[]
  /** The first word as typed (lower case), which the SQL stores look for to cut a snippet. */
  firstWord: string
  /** The first word folded: where the snippet is when the text has it in another form (`Café` for `cafe`). */
  needle: string
}

/** The query's terms, or null when it has nothing searchable (punctuation alone). */
export function queryTerms(query: string): SearchQuery | null {
  const first = query.match(WORD)?.[0]
  const terms = new Map<string, QueryTerm>()
  // Folded first, then split: folding can turn a letter into letters and a space (ͺ), or full-width punctuation into ASCII.
  for (const word of fold(query).match(WORD) ?? []) {
    for (const segment of word.split(CJK_RUNS)) {
      if (segment === '') continue
      if (CJK.test(segment) && segment.length > 1) {
        for (const pair of pairs(segment)) terms.set(pair, { term: pair, prefix: false })
      } else {
        const term = segment.slice(0, MAX_TERM)
        if (!terms.has(term)) terms.set(term, { term, prefix: true })
      }
    }
  }
  if (terms.size === 0 || first === undefined) return null
  return { terms: [...terms.values()].slice(0, MAX_QUERY_TERMS), firstWord: first.toLowerCase(), needle: fold(first) }
}

/** The terms a document is found by: its title's and its text's. */
export function indexTerms(title: string, text: string): string[] {
  const terms = new Set<string>()
  for (const word of fold(`${title}\n${text}`).match(WORD) ?? []) {
    for (const segment of word.split(CJK_RUNS)) {
      if (segment === '') continue
      if (CJK.test(segment)) {
        for (const pair of pairs(segment)) terms.add(pair)
        terms.add(segment.slice(-1))
      } else terms.add(segment.slice(0, MAX_TERM))
    }
    if (terms.size >= MAX_INDEX_TERMS) break
  }
  return [...terms].slice(0, MAX_INDEX_TERMS)
}

/** Overlapping pairs of characters (by code point: ideographs outside the BMP are one character). */
function pairs(run: string): string[] {
  const chars = [...run]
  const out: string[] = []
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  return out
}

/** Whether a document with these index terms matches every query term (the memory store's scan). */
export function matchesTerms(indexed: ReadonlySet<string>, query: SearchQuery): boolean {
  return query.terms.every(({ term, prefix }) => (prefix ? [...indexed].some((t) => t.startsWith(term)) : indexed.has(term)))
}

/** Characters of body kept before the first match, and the window's length (what the SQL stores read). */
export const SNIPPET_BEFORE = 60
export const SNIPPET_WINDOW = 200
/**
 * When the text does not hold the first word as typed, the SQL stores hand
 * over this much of its start, where the folded word is looked for.
 */
export const SNIPPET_HEAD = 10_000

/**
 * A snippet from a window of the body that starts `SNIPPET_BEFORE` characters
 * before the match (or at the start), the match `matchAt` characters in: cut
 * at word edges, with an ellipsis where text was left out.
 */
export function tidySnippet(window: string, fromStart: boolean, toEnd: boolean, matchAt: number): string {
  // Whitespace runs become one space before anything: each is one character
  // either way, so the match's offset stays true while cutting.
  let s = window.replace(/\s/g, ' ')
  // A cut word at either edge goes, unless the match is in it (a word inside
  // a long address): then the snippet keeps it, cut, rather than lose the hit.
  if (!toEnd) {
    const lastSpace = s.lastIndexOf(' ')
    if (lastSpace > matchAt) s = s.slice(0, lastSpace)
  }
  if (!fromStart) {
    const firstSpace = s.indexOf(' ')
    if (firstSpace >= 0 && firstSpace < matchAt) s = s.slice(firstSpace + 1)
  }
  s = s.replace(/ +/g, ' ').trim()
  return `${fromStart ? '' : '…'}${s}${toEnd ? '' : '…'}`
}

/** The snippet of a window that SQL cut from 1-based position max(1, pos - SNIPPET_BEFORE) of a body `len` long. */
export function windowSnippet(win: string, pos: number, len: number): string {
  const start = Math.max(1, pos - SNIPPET_BEFORE)
  return tidySnippet(win, start === 1, start - 1 + SNIPPET_WINDOW >= len, pos - start)
}

/**
 * The snippet around the first place where `text` (the start of a body
 * `len` long) holds `needle` once folded, or null when it does not. The
 * text is folded character by character, remembering where each folded
 * character came from, so the snippet is cut from the text as written.
 */
export function foldedSnippet(text: string, needle: string, len = text.length): string | null {
  if (!needle) return null
  // Composed first, so an accent typed as a separate mark folds with its letter.
  const source = text.normalize('NFC')
  // Folding the whole text at once is fast; character by character only when it is there.
  if (!fold(source).includes(needle)) return null
  const end = len - (text.length - source.length)
  let folded = ''
  const from: number[] = []
  let at = 0
  let found = -1
  for (const ch of source) {
    const f = fold(ch)
    folded += f
    for (let i = 0; i < f.length; i++) from.push(at)
    at += ch.length
    if (folded.endsWith(needle)) {
      found = folded.length - needle.length
      break
    }
  }
  if (found < 0) return null
  const start = Math.max(0, from[found]! - SNIPPET_BEFORE)
  return tidySnippet(source.slice(start, start + SNIPPET_WINDOW), start === 0, start + SNIPPET_WINDOW >= end, from[found]! - start)
}

/** A SQL store's snippet: the window around the word as typed when `pos` > 0, else from the folded word in the body's head. */
export function hitSnippet(row: { pos: number; win: string; len: number }, query: SearchQuery): string | null {
  return row.pos > 0 ? windowSnippet(row.win, row.pos, row.len) : foldedSnippet(row.win, query.needle, row.len)
}
