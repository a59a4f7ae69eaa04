import * as Y from 'yjs'

const MAX_TITLE = 120

/** The document's first non-empty block (usually its heading), as one plain line. */
export function documentTitle(fragment: Y.XmlFragment): string {
  let firstLine = ''
  for (const block of fragment.toArray()) {
    const text = plainText(block).trim()
    if (!text) continue
    if (block instanceof Y.XmlElement && block.nodeName === 'heading') return text.slice(0, MAX_TITLE)
    firstLine = text.split('\n')[0] ?? ''
    break
  }
  return firstLine.slice(0, MAX_TITLE)
}

export function plainText(node: Y.XmlElement | Y.XmlText | Y.XmlHook | Y.XmlFragment): string {
  if (node instanceof Y.XmlText) {
    let s = ''
    for (const op of node.toDelta() as { insert?: unknown }[]) if (typeof op.insert === 'string') s += op.insert
    return s
  }
  if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) {
    let s = ''
    for (const child of node.toArray()) s += plainText(child)
    return s.length > MAX_TITLE * 4 ? s.slice(0, MAX_TITLE * 4) : s
  }
  return ''
}
