/**
 * Splits a growing markdown text into completed blocks and a preview of the
 * block still being written.
 *
 * A top-level token is complete once, after it, marked's lexer shows a blank
 * line and then a later token starting on a finished line. Both conditions
 * matter: a token on the unfinished last line proves nothing (`---` is a rule
 * that ends a list, `---#` continues the list's last paragraph), and without
 * a blank line a later setext underline can still swallow earlier lines
 * (marked reads `text\n****\n---` as one heading, not text + rule).
 * Completed tokens are converted exactly (the same conversion as
 * `markdownToBlocks`) and never lexed again, so each step costs
 * O(unfinished blocks + new text), not O(everything written so far).
 */
import type { JSONContent } from '@tiptap/core'
import type { Schema } from '@tiptap/pm/model'
import type { Links, Token } from 'marked'
import { lexMarkdown, tokensToBlocks } from '../../../shared/markdown/index.ts'
import { holdAmbiguousLastLine, pruneTrailingEmpty, truncateOpenInline } from './preview.ts'
import { holdTableLines } from './tableHold.ts'

export interface StreamStep {
  /** Blocks that became final in this step (in order), or null when none did. */
  readonly completed: JSONContent[] | null
  /** Preview of the unfinished block(s); empty when nothing is unambiguous yet. */
  readonly tail: JSONContent[]
}

function lastNonSpace(tokens: readonly Token[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]?.type !== 'space') return i
  return -1
}

/** How many leading tokens are complete: those up to the last blank line before the last token. */
function completedCount(tokens: readonly Token[]): number {
  for (let i = lastNonSpace(tokens) - 1; i >= 0; i--) {
    const token = tokens[i] as Token
    // Some tokens (headings, HTML, indented code, tables) keep the blank line in their raw text.
    if (token.type === 'space' || /\n[ \t]*\n$/.test(token.raw)) return i + 1
  }
  return 0
}

export class MarkdownStream {
  /** Offset in the text where the unfinished part starts. */
  private committed = 0
  /** Reference-link definitions seen so far, for lexing only the unfinished part. */
  private links: Links = {}

  constructor(private readonly schema: Schema) {}

  advance(text: string, final: boolean): StreamStep {
    const pending = text.slice(this.committed)
    if (final) {
      const tokens = lexMarkdown(pending, this.links)
      this.committed = text.length
      return { completed: tokensToBlocks(tokens, this.schema), tail: [] }
    }
    const tokens = lexMarkdown(pending.slice(0, pending.lastIndexOf('\n') + 1), this.links)
    this.links = { ...tokens.links }
    const done = tokens.slice(0, completedCount(tokens))
    const consumed = done.reduce((n, t) => n + t.raw.length, 0)
    // The offsets rely on the tokens' raw text tiling the source; if it ever
    // does not, keep everything unfinished rather than cut at a wrong place.
    const tiles = pending.startsWith(done.map((t) => t.raw).join(''))
    if (done.length === 0 || !tiles) return { completed: null, tail: this.preview(pending) }
    this.committed += consumed
    return { completed: tokensToBlocks(done, this.schema), tail: this.preview(pending.slice(consumed)) }
  }

  private preview(src: string): JSONContent[] {
    const lex = (text: string): Token[] => lexMarkdown(text, this.links)
    const { src: held, tokens: lexed } = holdTableLines(holdAmbiguousLastLine(src), lex)
    let tokens = lexed
    // Raw HTML is converted as a whole (its text is read as markdown again),
    // so the unclosed-syntax cut cannot reach inside: show only whole lines.
    if (tokens[lastNonSpace(tokens)]?.type === 'html') tokens = lexMarkdown(held.slice(0, held.lastIndexOf('\n') + 1), this.links)
    truncateOpenInline(tokens)
    return pruneTrailingEmpty(tokensToBlocks(tokens, this.schema))
  }
}
