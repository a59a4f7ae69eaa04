/**
 * Keeps GFM table syntax out of the preview.
 *
 * A line like `| a | b |` is a paragraph of pipes until the next line proves
 * it is a table header (a delimiter row `|---|---|`), and marked reads it as
 * a paragraph until then. Showing that paragraph would flash raw pipes in
 * every collaborator's document and then turn the element into a table. So
 * the preview holds back:
 * - an unfinished last line that starts with `|` (it may be a header),
 *   unless the text before it is already a table (then it is a row, below);
 * - the last finished line when it starts with `|` and nothing after it
 *   proves yet that it is not a header (the next line is empty or a would-be
 *   delimiter row, which holdAmbiguousLastLine already held back);
 * - an unfinished row of a known table: rows appear whole, as each row line
 *   completes, never as a half row whose cells would still change.
 * Only lines that start with a pipe (after `>`, list markers, indentation)
 * are held: models write tables with leading pipes, and prose with a pipe in
 * it (`ls | grep`) must keep streaming word by word. A table written without
 * leading pipes shows its header as a paragraph until the delimiter row
 * arrives, then changes type, like a setext heading.
 * Code blocks are left alone: a pipe there is text. Each rule delays at most
 * one line, and only in the preview; completed blocks are converted exactly.
 */
import type { Token } from 'marked'
import { stripContainerPrefixes } from './preview.ts'

type Lex = (src: string) => Token[]

function lastToken(tokens: readonly Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]?.type !== 'space') return tokens[i]
  return undefined
}

function startsWithPipe(line: string): boolean {
  return stripContainerPrefixes(line).startsWith('|')
}

function cutLastLine(src: string): string {
  const body = src.endsWith('\n') ? src.slice(0, -1) : src
  return src.slice(0, body.lastIndexOf('\n') + 1)
}

/** `src` with table syntax that is not yet a table held back, and its tokens. */
export function holdTableLines(src: string, lex: Lex): { src: string; tokens: Token[] } {
  let tokens = lex(src)
  const last = lastToken(tokens)
  if (last === undefined || last.type === 'code' || !src.includes('|')) return { src, tokens }
  const partial = src.slice(src.lastIndexOf('\n') + 1)
  if (last.type === 'table') {
    if (partial === '') return { src, tokens }
    const held = cutLastLine(src)
    return { src: held, tokens: lex(held) }
  }
  let held = src
  if (startsWithPipe(partial)) held = cutLastLine(held)
  else if (partial === '' && startsWithPipe(held.slice(cutLastLine(held).length))) held = cutLastLine(held)
  if (held === src) return { src, tokens }
  tokens = lex(held)
  return { src: held, tokens }
}
