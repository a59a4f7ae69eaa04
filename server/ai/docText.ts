/**
 * A plain-text view of the document for prompts, with a way to find where
 * an anchor falls in it. It is the document as Markdown, lightly: blocks are
 * separated by blank lines, headings, list items, quotes and code keep their
 * markers, task items are `- [ ]` / `- [x]`, and tables are GFM rows with
 * pipes and a delimiter row after the first. The model sees the structure it
 * is asked to write back, so a rewritten table comes back as a table (and
 * reaches the document as one through the Markdown reading). Inline marks
 * are not written: the offsets must map onto the text nodes. The one
 * exception is a pipe in a table cell, written `\|` so that the row keeps
 * its columns; positions after it are shifted by the escapes before them.
 */
import * as Y from 'yjs'
import { isTaskChecked } from '../../shared/editorSchema.ts'

export interface DocText {
  text: string
  /** Offset in `text` of a relative position, or null if it is gone. */
  offsetOf(rpos: Y.RelativePosition): number | null
}

const TEXTBLOCKS = new Set(['paragraph', 'heading', 'codeBlock'])
const LISTS = new Set(['bulletList', 'orderedList', 'taskList'])

export function docText(doc: Y.Doc, fragment: Y.XmlFragment): DocText {
  let text = ''
  // Start offset of each XmlText (with where its escaped pipes are), and of each child slot of each element.
  const textStarts = new Map<Y.XmlText, { start: number; escapes: number[] }>()
  const childStarts = new Map<Y.XmlElement | Y.XmlFragment, number[]>()
  let needSeparator = false

  /** Visits the children of `node`, recording where each starts. */
  const children = (node: Y.XmlElement | Y.XmlFragment, visit: (child: Y.XmlElement | Y.XmlText, index: number) => void): void => {
    const starts: number[] = []
    childStarts.set(node, starts)
    node.toArray().forEach((child, i) => {
      starts.push(text.length)
      if (child instanceof Y.XmlText || child instanceof Y.XmlElement) visit(child, i)
    })
    starts.push(text.length)
  }

  const inline = (child: Y.XmlElement | Y.XmlText, lineBreak: string, inCell = false): void => {
    if (child instanceof Y.XmlText) {
      const escapes: number[] = []
      textStarts.set(child, { start: text.length, escapes })
      let chars = ''
      for (const op of child.toDelta() as { insert?: unknown }[]) chars += typeof op.insert === 'string' ? op.insert : ''
      if (inCell) chars = chars.replace(/\|/g, (_, at: number) => (escapes.push(at), '\\|'))
      text += chars
    } else if (child.nodeName === 'hardBreak') text += lineBreak
  }

  /** A table cell on one line: its textblocks' text, side by side. */
  const cellLine = (el: Y.XmlElement): void => {
    children(el, (child, i) => {
      if (child instanceof Y.XmlText || child.nodeName === 'hardBreak') inline(child, ' ', true)
      else {
        if (i > 0) text += ' '
        cellLine(child)
      }
    })
  }

  const table = (el: Y.XmlElement): void => {
    children(el, (row, r) => {
      if (!(row instanceof Y.XmlElement)) return
      if (r > 0) text += '\n'
      text += '|'
      children(row, (cell) => {
        text += ' '
        if (cell instanceof Y.XmlElement) cellLine(cell)
        text += ' |'
      })
      if (r === 0) text += '\n|' + ' --- |'.repeat(Math.max(1, row.length))
    })
  }

  const block = (node: Y.XmlElement | Y.XmlFragment, depth: number): void => {
    children(node, (child) => {
      if (child instanceof Y.XmlText || child.nodeName === 'hardBreak') return inline(child, '\n')
      const name = child.nodeName
      if (needSeparator) text += '\n\n'
      needSeparator = false
      text += prefix(child, depth)
      if (name === 'table') table(child)
      else block(child, LISTS.has(name) ? depth + 1 : depth)
      if (name === 'codeBlock') text += '\n```'
      if (TEXTBLOCKS.has(name) || name === 'horizontalRule' || name === 'table') needSeparator = true
    })
  }
  block(fragment, 0)

  return {
    text,
    offsetOf(rpos) {
      const abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc)
      if (!abs) return null
      if (abs.type instanceof Y.XmlText) {
        const at = textStarts.get(abs.type)
        return at === undefined ? null : at.start + abs.index + at.escapes.filter((e) => e < abs.index).length
      }
      const starts = childStarts.get(abs.type as Y.XmlElement | Y.XmlFragment)
      return starts ? starts[Math.min(abs.index, starts.length - 1)] ?? null : null
    },
  }
}

function prefix(el: Y.XmlElement, depth: number): string {
  const indent = '  '.repeat(Math.max(0, depth - 1))
  switch (el.nodeName) {
    case 'heading':
      return '#'.repeat(headingLevel(el.getAttribute('level'))) + ' '
    case 'listItem':
      return indent + '- '
    case 'taskItem':
      return indent + (isTaskChecked(el.getAttribute('checked')) ? '- [x] ' : '- [ ] ')
    case 'blockquote':
      return '> '
    case 'codeBlock':
      return '```\n'
    case 'horizontalRule':
      return '---'
    default:
      return ''
  }
}

/**
 * The editor writes 1 to 6, but a peer writing to the Y.Doc directly can
 * store any JSON value: -1 or 1e9 made `repeat` throw, in the search
 * summary's timer, which took the whole server down.
 */
function headingLevel(value: unknown): number {
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 && n <= 6 ? n : 1
}
