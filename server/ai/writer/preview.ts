/**
 * How the unfinished last block is shown while the model is still writing it.
 *
 * The preview holds back whatever could still turn out to be markdown syntax,
 * so raw markers do not flash in the shared document and the element created
 * for a block never has to change type:
 * - a last line that is only a marker so far (`#`, `-`, `1.`, a fence, a
 *   would-be setext underline, `<`) waits for more text;
 * - in the last textblock, text from the first unclosed inline opener on
 *   (`**bo`, `` `co``, `[link](ht`) waits until it closes, so emphasis usually
 *   arrives already formatted and the preview only ever grows;
 * - empty trailing textblocks are not created yet.
 * None of this affects completed blocks, which are converted exactly.
 */
import type { JSONContent } from '@tiptap/core'
import type { Token, Tokens } from 'marked'

const CONTAINER_PREFIX = /^(?:[ \t]*>|[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+|[ \t]+)/
const AMBIGUOUS_LINE = [
  /^$/, // only container markers so far ("> ", "- ", indentation)
  /^#{1,6}[ \t]*$/, // heading marker, level may grow
  /^[-*+_=|:~`\s]+$/, // list marker, rule, setext underline, table delimiter, short fence
  /^\d{1,9}[.)]?[ \t]*$/, // ordered list marker or a number
  /^(?:`{3,}|~{3,})/, // fence line: the language is not complete before the newline
  /^</, // raw HTML or an autolink
]

export function stripContainerPrefixes(line: string): string {
  let rest = line
  for (;;) {
    const m = CONTAINER_PREFIX.exec(rest)
    if (m === null || m[0] === '') return rest
    rest = rest.slice(m[0].length)
  }
}

/** Drops an unfinished last line while it could still become block syntax. */
export function holdAmbiguousLastLine(src: string): string {
  const cut = src.lastIndexOf('\n') + 1
  const line = src.slice(cut)
  if (line === '') return src
  const content = stripContainerPrefixes(line)
  return AMBIGUOUS_LINE.some((re) => re.test(content)) ? src.slice(0, cut) : src
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined ? false : /\s/.test(ch)
}

/**
 * Index of the first character in `text` that may open inline syntax that is
 * not closed yet, or -1. `following` is the raw source after `text` in the
 * same textblock.
 */
function firstOpenOpener(text: string, following: string): number {
  const atEnd = following === ''
  for (let j = 0; j < text.length; j++) {
    const c = text[j] as string
    if (c === '`') return j
    if (c === '*' || c === '~' || c === '_') {
      let end = j
      while (text[end] === c) end++
      const next = end < text.length ? text[end] : following[0]
      const intraword = c === '_' && j > 0 && /[\p{L}\p{N}]/u.test(text[j - 1] as string)
      if (!intraword && !isSpace(next)) return j
      j = end - 1
      continue
    }
    if (c === '[') {
      const rest = text.slice(j + 1) + following
      const close = rest.indexOf(']')
      const after = close < 0 ? undefined : rest[close + 1]
      if (close < 0 || after === undefined || after === '(' || after === '[' || after === ':') return j
      continue
    }
    if (c === '<' && !(text.slice(j) + following).includes('>')) return j
    if (atEnd && j === text.length - 1 && (c === '\\' || c === '!')) return j
    if (atEnd && c === '&' && /^&#?[A-Za-z0-9]*$/.test(text.slice(j))) return j
  }
  return -1
}

/** The inline tokens of the textblock that ends the token, if any. */
function lastInlineTokens(token: Token | undefined): Token[] | null {
  if (token === undefined) return null
  switch (token.type) {
    case 'paragraph':
    case 'heading':
      return (token as Tokens.Paragraph).tokens
    case 'text':
      return (token as Tokens.Text).tokens ?? null
    case 'list':
      return lastInlineTokens(lastContent((token as Tokens.List).items.at(-1)?.tokens ?? []))
    case 'blockquote':
      return lastInlineTokens(lastContent((token as Tokens.Blockquote).tokens))
    default:
      return null
  }
}

function lastContent(tokens: readonly Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]?.type !== 'space') return tokens[i]
  return undefined
}

/** Cuts the last textblock's inline tokens at the first unclosed opener. Mutates the tokens. */
export function truncateOpenInline(tokens: Token[]): void {
  const inline = lastInlineTokens(lastContent(tokens))
  if (inline === null) return
  for (let i = 0; i < inline.length; i++) {
    const token = inline[i] as Token
    if (token.type !== 'text' || (token as Tokens.Text).tokens !== undefined) continue
    const text = (token as Tokens.Text).text
    const following = inline.slice(i + 1).map((t) => t.raw).join('')
    const at = firstOpenOpener(text, following)
    if (at < 0) continue
    const kept = text.slice(0, at)
    inline.splice(i, inline.length - i, { type: 'text', raw: kept, text: kept })
    return
  }
}

function isEmptyTextblock(block: JSONContent): boolean {
  const textblock = block.type === 'paragraph' || block.type === 'heading' || block.type === 'codeBlock'
  return textblock && (block.content === undefined || block.content.length === 0)
}

/** Removes empty textblocks at the end, and containers they leave empty. */
export function pruneTrailingEmpty(blocks: readonly JSONContent[]): JSONContent[] {
  const out = blocks.slice()
  while (out.length > 0) {
    const last = out[out.length - 1] as JSONContent
    if (isEmptyTextblock(last)) {
      out.pop()
      continue
    }
    const leaf = last.content === undefined || last.content.length === 0
    if (leaf || last.type === 'paragraph' || last.type === 'heading' || last.type === 'codeBlock') break
    const content = pruneTrailingEmpty(last.content ?? [])
    if (content.length === 0) {
      out.pop()
      continue
    }
    out[out.length - 1] = { ...last, content }
    break
  }
  return out
}
