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
 *
 * One exception: a reference link (`[text][ref]`, `[ref]`) is read as a link
 * only once its definition (`[ref]: https://…`) is known, and models put the
 * definitions at the end, after the blocks that use them were completed. So
 * a completed block with brackets in its text is remembered, and when new
 * definitions arrive it is converted again (`revisions`) and the writer
 * brings it up to date: the literal `[text]` becomes the link, as in the
 * one-shot reading. This costs a re-read of those blocks once per batch of
 * new definitions, not per flush.
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
  /** Indexes (counted over all completed blocks) of the blocks in `completed` that a later definition may change. */
  readonly revisable: ReadonlySet<number>
  /** Earlier completed blocks as new reference-link definitions make them read. */
  readonly revisions: readonly Revision[]
}

export interface Revision {
  /** Index of the block, counted over all completed blocks. */
  readonly index: number
  readonly block: JSONContent
}

/** A completed token whose text has brackets: a reference link waiting for its definition, maybe. */
interface Pending {
  readonly raw: string
  /** Index of its first block, and how many it converted to. */
  readonly index: number
  readonly count: number
}

/** Brackets outside code: `[text]`, `[text][ref]`. Code blocks and definitions never change. */
function mayUseReference(token: Token): boolean {
  return token.type !== 'code' && token.type !== 'def' && token.type !== 'space' && /\[[^\]\n]*\]/.test(token.raw)
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
  /** How many blocks have been completed so far. */
  private blocks = 0
  /** Completed tokens a later definition may change. */
  private readonly pending: Pending[] = []

  constructor(private readonly schema: Schema) {}

  advance(text: string, final: boolean): StreamStep {
    const pending = text.slice(this.committed)
    if (final) {
      const tokens = lexMarkdown(pending, this.links)
      this.committed = text.length
      const revisions = this.learn(tokens.links)
      return { ...this.complete(tokens), tail: [], revisions }
    }
    const tokens = lexMarkdown(pending.slice(0, pending.lastIndexOf('\n') + 1), this.links)
    const revisions = this.learn(tokens.links)
    const done = tokens.slice(0, completedCount(tokens))
    const consumed = done.reduce((n, t) => n + t.raw.length, 0)
    // The offsets rely on the tokens' raw text tiling the source; if it ever
    // does not, keep everything unfinished rather than cut at a wrong place.
    const tiles = pending.startsWith(done.map((t) => t.raw).join(''))
    if (done.length === 0 || !tiles) return { completed: null, tail: this.preview(pending), revisable: new Set(), revisions }
    this.committed += consumed
    return { ...this.complete(done), tail: this.preview(pending.slice(consumed)), revisions }
  }

  /** Converts completed tokens one by one (the same blocks as converting them together), noting those to revisit. */
  private complete(tokens: readonly Token[]): { completed: JSONContent[]; revisable: Set<number> } {
    const completed: JSONContent[] = []
    const revisable = new Set<number>()
    for (const token of tokens) {
      const blocks = tokensToBlocks([token], this.schema)
      if (blocks.length > 0 && mayUseReference(token)) {
        this.pending.push({ raw: token.raw, index: this.blocks, count: blocks.length })
        for (let i = 0; i < blocks.length; i++) revisable.add(this.blocks + i)
      }
      completed.push(...blocks)
      this.blocks += blocks.length
    }
    return { completed, revisable }
  }

  /** Takes in the definitions the lexer found; if there are new ones, the completed blocks they may change. */
  private learn(links: Links): Revision[] {
    const known = Object.keys(this.links).length
    this.links = { ...links }
    if (Object.keys(this.links).length === known) return []
    const out: Revision[] = []
    for (const p of this.pending) {
      const blocks = tokensToBlocks(lexMarkdown(p.raw, this.links), this.schema)
      // Read alone, a completed token gives the same blocks as in place; if it ever does not, leave it.
      if (blocks.length !== p.count) continue
      blocks.forEach((block, i) => out.push({ index: p.index + i, block }))
    }
    return out
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
