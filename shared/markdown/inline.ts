/**
 * marked inline tokens → ProseMirror inline nodes (text with marks, hard breaks).
 *
 * Marks are combined with `Mark.addToSet`, so the schema's exclusion rules
 * decide (the `code` mark excludes every other mark). Syntax the schema cannot
 * show degrades to its text: an image becomes its alt text (linked to its
 * source), inline HTML tags are dropped except `<br>` and the tags of marks
 * (`<u>`, `<mark>`, `<strong>`…), and the content of `<script>`, `<style>`
 * and the like goes with its tags.
 */
import type { Mark, Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Token, Tokens } from 'marked'
import { decodeEntities } from './entities.ts'
import { safeHref } from './href.ts'

interface InlineContext {
  readonly schema: Schema
  readonly marks: readonly Mark[]
  readonly inLink: boolean
}

const BR_TAG = /^<br\s*\/?>$/i

/** Soft line breaks render as spaces; keeping `\n` would show as a break in the editor. */
function softBreaks(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, ' ')
}

function withMark(ctx: InlineContext, name: string, attrs?: Record<string, unknown>): InlineContext {
  const type = ctx.schema.marks[name]
  if (type === undefined) return ctx
  return { ...ctx, marks: type.create(attrs).addToSet(ctx.marks) }
}

function pushText(out: PMNode[], ctx: InlineContext, text: string, marks: readonly Mark[] = ctx.marks): void {
  if (text !== '') out.push(ctx.schema.text(text, marks))
}

function pushBreak(out: PMNode[], ctx: InlineContext): void {
  const br = ctx.schema.nodes.hardBreak
  if (br !== undefined) out.push(br.create())
  else pushText(out, ctx, ' ')
}

function linkContext(ctx: InlineContext, href: string, title: string | null | undefined): InlineContext {
  const safe = safeHref(decodeEntities(href))
  if (safe === null || ctx.inLink) return { ...ctx, inLink: true }
  return { ...withMark(ctx, 'link', { href: safe, title: title ?? null }), inLink: true }
}

/**
 * Markdown has no syntax for underline and highlight, so they are written as
 * `<u>…</u>` and `<mark>…</mark>`; marked gives each tag as its own inline
 * `html` token. Bold, italic and strike tags (`<strong>`, `<b>`, `<em>`,
 * `<i>`, `<s>`, `<del>`) are read the same way: Markdown written by hand or
 * by a model uses them, and the exporter falls back on them where `**` would
 * not be read as a delimiter (`a**(b)**`). An opening tag marks the siblings
 * after it until its closing tag (or the end of the textblock, as a browser
 * would); a stray closing tag is dropped.
 */
const MARK_TAG = /^<(\/?)(u|mark|strong|b|em|i|s|del|strike)(?:\s[^>]*)?>$/i
const TAG_MARKS: Readonly<Record<string, string>> = {
  u: 'underline', mark: 'highlight', strong: 'bold', b: 'bold', em: 'italic', i: 'italic', s: 'strike', del: 'strike', strike: 'strike',
}

/** An inline tag whose content a browser never shows (`text <script>…</script> more`). */
const HIDDEN_TAG = /^<(\/?)(script|style|title|template|noscript)\b[^>]*>$/i

function convert(tokens: readonly Token[], outer: InlineContext, out: PMNode[]): void {
  let ctx = outer
  const open: string[] = []
  let hiddenUntil: string | null = null
  for (const token of tokens) {
    const hidden = token.type === 'html' ? HIDDEN_TAG.exec((token as Tokens.Tag).text.trim()) : null
    if (hiddenUntil !== null) {
      if (hidden?.[1] === '/' && (hidden[2] as string).toLowerCase() === hiddenUntil) hiddenUntil = null
      continue
    }
    if (hidden !== null) {
      if (hidden[1] === '') hiddenUntil = (hidden[2] as string).toLowerCase()
      continue
    }
    const tag = token.type === 'html' ? MARK_TAG.exec((token as Tokens.Tag).text.trim()) : null
    if (tag === null) {
      convertOne(token, ctx, out)
      continue
    }
    // `</b>` closes a `<strong>`: what is open is the mark, whichever tag named it.
    const mark = TAG_MARKS[(tag[2] as string).toLowerCase()] as string
    if (tag[1] === '') open.push(mark)
    else if (open.lastIndexOf(mark) >= 0) open.splice(open.lastIndexOf(mark), 1)
    // Overlapping tags (`<u>a<mark>b</u>c</mark>`) keep the marks still open.
    ctx = open.reduce((c, m) => withMark(c, m), outer)
  }
}

function convertOne(token: Token, ctx: InlineContext, out: PMNode[]): void {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text
      if (t.tokens !== undefined && t.tokens.length > 0) convert(t.tokens, ctx, out)
      else pushText(out, ctx, softBreaks(decodeEntities(t.text)))
      return
    }
    case 'escape':
      pushText(out, ctx, (token as Tokens.Escape).text)
      return
    case 'strong':
      convert((token as Tokens.Strong).tokens, withMark(ctx, 'bold'), out)
      return
    case 'em':
      convert((token as Tokens.Em).tokens, withMark(ctx, 'italic'), out)
      return
    case 'del':
      convert((token as Tokens.Del).tokens, withMark(ctx, 'strike'), out)
      return
    case 'codespan': {
      // `code` excludes every other mark. Inside a link we keep the link
      // instead: losing monospace costs less than losing the target.
      const text = softBreaks((token as Tokens.Codespan).text)
      pushText(out, ctx, text, ctx.inLink ? ctx.marks : withMark(ctx, 'code').marks)
      return
    }
    case 'br':
      pushBreak(out, ctx)
      return
    case 'link': {
      const t = token as Tokens.Link
      convert(t.tokens, linkContext(ctx, t.href, t.title), out)
      return
    }
    case 'image': {
      const t = token as Tokens.Image
      const alt = softBreaks(decodeEntities(t.text)).trim()
      const inner = linkContext(ctx, t.href, t.title)
      pushText(out, inner, alt !== '' ? alt : t.href.trim())
      return
    }
    case 'html':
      if (BR_TAG.test((token as Tokens.Tag).text.trim())) pushBreak(out, ctx)
      return
    case 'checkbox':
      return
    default: {
      // Tokens from types marked may add later: keep their words, not their syntax.
      const generic = token as Tokens.Generic
      if (generic.tokens !== undefined && generic.tokens.length > 0) convert(generic.tokens, ctx, out)
      else {
        const text: unknown = generic['text']
        if (typeof text === 'string') pushText(out, ctx, softBreaks(decodeEntities(text)))
      }
    }
  }
}

/** Drops whitespace at the edges of a textblock, as markdown renderers do. */
function trimEdges(nodes: readonly PMNode[]): PMNode[] {
  const out = nodes.slice()
  while (out[0]?.isText === true) {
    const first = out[0]
    const text = (first.text ?? '').replace(/^[ \t\n]+/, '')
    if (text !== '') {
      out[0] = first.type.schema.text(text, first.marks)
      break
    }
    out.shift()
  }
  while (out[out.length - 1]?.isText === true) {
    const last = out[out.length - 1] as PMNode
    const text = (last.text ?? '').replace(/[ \t\n]+$/, '')
    if (text !== '') {
      out[out.length - 1] = last.type.schema.text(text, last.marks)
      break
    }
    out.pop()
  }
  return out
}

export function inlineNodes(tokens: readonly Token[], schema: Schema, prefix = ''): PMNode[] {
  const out: PMNode[] = []
  const ctx: InlineContext = { schema, marks: [], inLink: false }
  pushText(out, ctx, prefix)
  convert(tokens, ctx, out)
  return trimEdges(out)
}

/** Plain text (for raw HTML blocks and other degraded content). */
export function plainInline(text: string, schema: Schema): PMNode[] {
  // Also collapses the runs of spaces that removed HTML tags leave behind.
  const clean = decodeEntities(text).replace(/\s+/g, ' ').trim()
  return clean === '' ? [] : [schema.text(clean)]
}
