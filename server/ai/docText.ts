/**
 * A plain-text view of the document for prompts, with a way to find where
 * an anchor falls in it. Blocks are separated by blank lines; headings and
 * list items keep a light markdown prefix so the model sees the structure.
 */
import * as Y from 'yjs'

export interface DocText {
  text: string
  /** Offset in `text` of a relative position, or null if it is gone. */
  offsetOf(rpos: Y.RelativePosition): number | null
}

export function docText(doc: Y.Doc, fragment: Y.XmlFragment): DocText {
  let text = ''
  // Start offset of each XmlText, and of each child slot of each element.
  const textStarts = new Map<Y.XmlText, number>()
  const childStarts = new Map<Y.XmlElement | Y.XmlFragment, number[]>()

  let needSeparator = false
  const walk = (node: Y.XmlElement | Y.XmlFragment, depth: number): void => {
    const starts: number[] = []
    childStarts.set(node, starts)
    for (const child of node.toArray()) {
      starts.push(text.length)
      if (child instanceof Y.XmlText) {
        textStarts.set(child, text.length)
        for (const op of child.toDelta() as { insert?: unknown }[]) text += typeof op.insert === 'string' ? op.insert : ''
      } else if (child instanceof Y.XmlElement) {
        const name = child.nodeName
        if (name === 'hardBreak') {
          text += '\n'
          continue
        }
        if (needSeparator) text += '\n\n'
        needSeparator = false
        text += prefix(child, depth)
        walk(child, name === 'bulletList' || name === 'orderedList' ? depth + 1 : depth)
        if (name === 'codeBlock') text += '\n```'
        if (TEXTBLOCKS.has(name) || name === 'horizontalRule') needSeparator = true
      }
    }
    starts.push(text.length)
  }
  walk(fragment, 0)

  return {
    text,
    offsetOf(rpos) {
      const abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc)
      if (!abs) return null
      if (abs.type instanceof Y.XmlText) {
        const start = textStarts.get(abs.type)
        return start === undefined ? null : start + abs.index
      }
      const starts = childStarts.get(abs.type as Y.XmlElement | Y.XmlFragment)
      return starts ? starts[Math.min(abs.index, starts.length - 1)] ?? null : null
    },
  }
}

const TEXTBLOCKS = new Set(['paragraph', 'heading', 'codeBlock'])

function prefix(el: Y.XmlElement, depth: number): string {
  switch (el.nodeName) {
    case 'heading':
      return '#'.repeat(Number(el.getAttribute('level') ?? 1) || 1) + ' '
    case 'listItem':
      return '  '.repeat(Math.max(0, depth - 1)) + '- '
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
