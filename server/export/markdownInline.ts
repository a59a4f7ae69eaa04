/**
 * A textblock's inline content → GFM that our reading (shared/markdown)
 * turns back into the same text and marks.
 *
 * Marks are opened and closed as a stack over the run of text nodes, so
 * `**a *b***` comes out nested, not as `**a**` next to `***b***`. Bold,
 * italic and strike are written as `**`, `*` and `~~` where Markdown reads
 * them as delimiters; where it would not (`a**(b)**`: a delimiter between a
 * letter and punctuation), the pair is written as `<strong>`, `<em>` or `<s>`
 * instead, which our reading (and GitHub's) takes as the same marks. Their
 * inner side never touches whitespace: spaces at a run's edge go outside
 * (`**bold** text`). Italic is `*`, which also works inside a word, where `_`
 * does not. Underline and highlight have no Markdown syntax and are written
 * as `<u>` and `<mark>`. A link carries its title. Inline code takes a fence
 * longer than any run of backticks in it.
 *
 * Text is escaped where Markdown would read it as syntax: punctuation that
 * starts emphasis, code, links, HTML or tables; an `&` that would start an
 * entity; a bare address, which GFM would make a link; and, at the start of a
 * line, what would start a list, a heading underline or a rule. Spaces that
 * start a line are dropped: Markdown drops them too, or reads four of them as
 * code.
 */
import { safeHref } from '../../shared/markdown/href.ts'
import type { PMMark, PMNode } from './types.ts'

export interface InlineOptions {
  /** How a hard break is written: a backslash line end (paragraphs), or `<br>` (headings, table cells). */
  breaks: 'newline' | 'html'
  /** In a table cell every `|` is escaped afterwards, code included (markdownTable.ts), so not here. */
  cell?: boolean
}

/** Outermost first. Code excludes the others in the schema but a link. */
const ORDER = ['link', 'underline', 'highlight', 'bold', 'italic', 'strike', 'code']
const DELIMITERS: Readonly<Record<string, string>> = { bold: '**', italic: '*', strike: '~~' }
const DELIMITER_TAGS: Readonly<Record<string, string>> = { bold: 'strong', italic: 'em', strike: 's' }
const TAGS: Readonly<Record<string, string>> = { underline: 'u', highlight: 'mark' }

/** Output pieces: text as written, or one side of a delimiter pair, decided at the end. */
type Piece = string | { pair: Pair; side: 'open' | 'close' }
interface Pair {
  mark: string
  tag: boolean
}

function rank(mark: PMMark): number {
  const i = ORDER.indexOf(mark.type)
  return i < 0 ? ORDER.length : i
}

function sameMark(a: PMMark, b: PMMark): boolean {
  return a.type === b.type && JSON.stringify(a.attrs ?? {}) === JSON.stringify(b.attrs ?? {})
}

/**
 * A link to anything but http(s) or mailto is written as its text: the
 * editor never stores one, but a peer writing to the Y.Doc directly can, and
 * a Markdown file is opened in readers that do not filter links.
 */
function known(mark: PMMark): boolean {
  if (mark.type === 'link') return safeHref(typeof mark.attrs?.href === 'string' ? mark.attrs.href : '') !== null
  return mark.type === 'code' || mark.type in DELIMITERS || mark.type in TAGS
}

export function inlineMarkdown(content: readonly PMNode[], options: InlineOptions): string {
  const pieces: Piece[] = []
  const stack: Array<{ mark: PMMark; pair: Pair | null }> = []
  /** Whitespace held back from the end of a delimiter run, written once we know whether the run closes. */
  let held = ''
  /**
   * marked misreads `**`, `*` and `~~` next to a code span that holds a
   * backtick or ends with a backslash (`` `a\` **b** `c` ``: it pairs the
   * backticks wrongly); such a block writes its pairs as tags.
   */
  let fragile = false

  const write = (s: string): void => {
    if (s !== '') pieces.push(s)
  }
  const open = (mark: PMMark): void => {
    let pair: Pair | null = null
    if (mark.type === 'link') {
      // "!" right before a link would make it an image.
      const last = pieces[pieces.length - 1]
      if (typeof last === 'string' && /(?:^|[^\\])!$/.test(last)) pieces[pieces.length - 1] = last.slice(0, -1) + '\\!'
      write('[')
    } else if (mark.type in TAGS) write(`<${TAGS[mark.type]}>`)
    else if (mark.type in DELIMITERS) {
      pair = { mark: mark.type, tag: false }
      pieces.push({ pair, side: 'open' })
    }
    stack.push({ mark, pair })
  }
  const close = (): void => {
    const { mark, pair } = stack.pop() as { mark: PMMark; pair: Pair | null }
    if (pair) pieces.push({ pair, side: 'close' })
    else if (mark.type === 'link') write(`](${linkDestination(mark)})`)
    else if (mark.type in TAGS) write(`</${TAGS[mark.type]}>`)
  }
  const isDelimiter = (entry: { pair: Pair | null } | undefined): boolean => entry?.pair != null
  /** Closes the stack down to `keep` marks; held whitespace goes out between the delimiters and the rest. */
  const closeTo = (keep: number): void => {
    while (stack.length > keep && isDelimiter(stack[stack.length - 1])) close()
    write(held)
    held = ''
    while (stack.length > keep) close()
  }
  const commonPrefix = (marks: readonly PMMark[]): number => {
    let keep = 0
    while (keep < stack.length && marks.some((m) => sameMark(m, stack[keep]!.mark))) keep++
    return keep
  }

  for (const node of content) {
    if (node.type === 'hardBreak') {
      // The marks the break itself carries stay open across it; a link never does.
      closeTo(commonPrefix((node.marks ?? []).filter((m) => m.type !== 'link')))
      write(options.breaks === 'html' ? '<br>' : '\\\n')
      continue
    }
    if (node.type !== 'text' || !node.text) continue
    const marks = (node.marks ?? []).filter(known).sort((a, b) => rank(a) - rank(b))
    let text = node.text
    const blank = text.trim() === ''
    // Delimiters are not opened around nothing but whitespace; ones already open may span it.
    const wanted = marks.filter((m) => !(blank && m.type in DELIMITERS && !stack.some((s) => sameMark(s.mark, m))))
    closeTo(commonPrefix(wanted))
    const opening = wanted.filter((m) => !stack.some((s) => sameMark(s.mark, m)) && m.type !== 'code')
    let lead = opening.some((m) => m.type in DELIMITERS) ? (/^\s+/.exec(text)?.[0] ?? '') : ''
    text = text.slice(lead.length)
    for (const mark of opening) {
      if (mark.type in DELIMITERS) {
        write(lead)
        lead = ''
      }
      open(mark)
    }
    if (wanted.some((m) => m.type === 'code')) {
      fragile ||= /`|\\$/.test(text)
      write(codeSpan(text))
      continue
    }
    // Spaces at the end of a delimiter run wait: if the run closes next, they go after its delimiter.
    const trail = stack.some(isDelimiter) ? (/\s+$/.exec(text)?.[0] ?? '') : ''
    const inLink = stack.some((s) => s.mark.type === 'link')
    write(escapeText(text.slice(0, text.length - trail.length), options.cell === true, inLink))
    held = trail
  }
  closeTo(0)
  let out = resolvePairs(pieces, fragile)
  // A hard break that ends the block would be read as a backslash; an HTML break stays a break.
  if (out.endsWith('\\\n')) out = out.slice(0, -2) + '<br>'
  return out.split('\n').map(escapeLineStart).join('\n')
}

/**
 * A pair is written as `**`…`**` only where any reader takes it as
 * delimiters: it opens before a letter or digit, or after a space; it
 * closes after a letter or digit, or before a space. Between two marks of
 * punctuation (`a**(b)**`, `#**~`) CommonMark and marked disagree in places,
 * so there the pair is written as tags. A pair turned into tags changes what
 * its neighbours see (`<` and `>`), so this repeats until nothing changes
 * (a pair only ever goes from delimiters to tags).
 */
function resolvePairs(pieces: readonly Piece[], allTags: boolean): string {
  if (allTags) for (const piece of pieces) if (typeof piece !== 'string') piece.pair.tag = true
  const charAt = (i: number, step: 1 | -1): string => {
    for (let j = i + step; j >= 0 && j < pieces.length; j += step) {
      const piece = pieces[j] as Piece
      if (typeof piece === 'string') return step === 1 ? (piece[0] as string) : (piece[piece.length - 1] as string)
      if (piece.pair.tag) return step === 1 ? '<' : '>'
    }
    return ' '
  }
  const space = (c: string): boolean => /\s/u.test(c)
  const word = (c: string): boolean => !space(c) && !/[\p{P}\p{S}]/u.test(c)
  for (let changed = true; changed; ) {
    changed = false
    pieces.forEach((piece, i) => {
      if (typeof piece === 'string' || piece.pair.tag) return
      const before = charAt(i, -1)
      const after = charAt(i, 1)
      const safe = piece.side === 'open' ? word(after) || (space(before) && !space(after)) : word(before) || (space(after) && !space(before))
      if (!safe) {
        piece.pair.tag = true
        changed = true
      }
    })
  }
  return pieces
    .map((piece) => {
      if (typeof piece === 'string') return piece
      const { mark, tag } = piece.pair
      if (!tag) return DELIMITERS[mark]
      return piece.side === 'open' ? `<${DELIMITER_TAGS[mark]}>` : `</${DELIMITER_TAGS[mark]}>`
    })
    .join('')
}

function linkDestination(mark: PMMark): string {
  const href = String(mark.attrs?.['href'] ?? '')
  // A target with spaces or parentheses needs the `<…>` form to stay one link.
  const target = /[\s()<>]/.test(href) ? `<${href.replace(/[<>]/g, encodeURIComponent)}>` : href
  const title = mark.attrs?.['title']
  return typeof title === 'string' && title !== '' ? `${target} "${title.replace(/["\\]/g, '\\$&')}"` : target
}

/** `a`b` → ``a`b``; a fence is padded with a space where the content starts or ends with a backtick or space. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^`|`$/.test(text) || (/^ /.test(text) && / $/.test(text) && text.trim() !== '') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

function escapeText(text: string, cell: boolean, inLink: boolean): string {
  const escaped = text.replace(cell ? /[\\`*_[\]<>#~]/g : /[\\`*_[\]<>#~|]/g, '\\$&').replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
  // Bare addresses: GFM links them, where the document did not (a link's own text is never linked again).
  if (inLink) return escaped
  return escaped
    .replace(/\b(https?|ftp):(?=\/\/)/gi, '$1\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/([A-Za-z0-9._+-])@(?=[A-Za-z0-9-]+\.)/g, '$1\\@')
}

/**
 * A line that starts like a list item (`1. `, `- `, `+ `), a heading
 * underline or a rule (`===`, `---`) is escaped at its first mark; leading
 * spaces go (four would start a code block).
 */
function escapeLineStart(line: string): string {
  return line
    .replace(/^[ \t]+/, '')
    .replace(/^(\d+)([.)])(?=[ \t]|$)/, '$1\\$2')
    .replace(/^([-+])(?=[ \t]|$)/, '\\$1')
    .replace(/^([-=])(?=[ \t]*(?:\1[ \t]*)*$)/, '\\$1')
}
