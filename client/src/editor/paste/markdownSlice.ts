/**
 * Pasted Markdown → a ProseMirror slice, through the same converter the AI
 * writer uses (shared/markdown), so a paste and an AI draft of the same text
 * give the same document.
 *
 * The slice is opened the way ProseMirror opens pasted HTML: as deep as the
 * content allows but never into an isolating node (a table, a cell), so a
 * single paragraph merges into the one at the caret while a table arrives
 * whole.
 */
import { Fragment, Slice, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { markdownToBlocks } from '../../../../shared/markdown/index.ts'

export function markdownSlice(text: string, schema: Schema): Slice | null {
  const blocks = markdownToBlocks(text.replace(/\r\n?/g, '\n'), schema).map((json) => schema.nodeFromJSON(json))
  if (blocks.length === 0) return null
  if (blocks.length === 1 && blocks[0]?.type.name === 'paragraph') blocks[0] = keepEdgeSpaces(blocks[0], text, schema)
  const open = Slice.maxOpen(Fragment.fromArray(blocks), true)
  return new Slice(open.content, openDepth(open.content.firstChild, open.openStart, 'first'), openDepth(open.content.lastChild, open.openEnd, 'last'))
}

/**
 * Markdown drops a paragraph's leading and trailing spaces; pasted into the
 * middle of a sentence, "a **word** " needs its space to stay apart from
 * what follows.
 */
function keepEdgeSpaces(paragraph: PMNode, text: string, schema: Schema): PMNode {
  const lead = /^[ \t]*/.exec(text)?.[0] ?? ''
  const trail = /[ \t]*$/.exec(text)?.[0] ?? ''
  const content = [...(lead ? [schema.text(lead)] : []), ...paragraph.content.content, ...(trail ? [schema.text(trail)] : [])]
  return paragraph.copy(Fragment.fromArray(content))
}

function openDepth(node: PMNode | null, max: number, side: 'first' | 'last'): number {
  let depth = 0
  for (let current = node; current && depth < max && !current.type.spec.isolating; depth++) {
    current = side === 'first' ? current.firstChild : current.lastChild
  }
  return depth
}
