/**
 * Pasted Markdown → a ProseMirror slice, through the same converter the AI
 * writer uses (shared/markdown), so a paste and an AI draft of the same text
 * give the same document.
 *
 * One line is read for its inline syntax only (looksLikeMarkdown converts a
 * single line for nothing else): "# of items in `list`" pasted into a
 * sentence keeps its "#" instead of becoming a heading that swallows it.
 *
 * Several lines become blocks. The slice is open on a side only where the
 * block there is a paragraph, so a first or last line of text merges into
 * the paragraph at the caret, while a list, heading, quote, code block or
 * table arrives whole, splitting the paragraph around it. Inside a list
 * item, a list at the edge stays open too: its items join the list there, as
 * ProseMirror does with a list pasted from a page. A slice is never opened
 * into an isolating node (a table, a cell).
 */
import { Fragment, Slice, type Node as PMNode, type ResolvedPos, type Schema } from '@tiptap/pm/model'
import { markdownInline, markdownToNodes } from '../../../../shared/markdown/index.ts'

const LIST_TYPES = new Set(['bulletList', 'orderedList', 'taskList'])
const ITEM_TYPES = new Set(['listItem', 'taskItem'])

/** `at`: where the paste goes (the selection's start); without it, as in a plain paragraph. */
export function markdownSlice(text: string, schema: Schema, at?: ResolvedPos): Slice | null {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (!source.trim().includes('\n')) return lineSlice(source, schema)
  const blocks = markdownToNodes(source, schema)
  if (blocks.length === 0) return null
  if (blocks.length === 1 && blocks[0]?.type.name === 'paragraph') blocks[0] = keepEdgeSpaces(blocks[0], source, schema)
  const inItem = at !== undefined && insideItem(at)
  const content = Fragment.fromArray(blocks)
  const open = Slice.maxOpen(content, true)
  const openStart = mergesAtEdge(content.firstChild, inItem) ? openDepth(content.firstChild, open.openStart, 'first') : 0
  const openEnd = mergesAtEdge(content.lastChild, inItem) ? openDepth(content.lastChild, open.openEnd, 'last') : 0
  return new Slice(content, openStart, openEnd)
}

function lineSlice(line: string, schema: Schema): Slice | null {
  const content = markdownInline(line.trim(), schema)
  if (content.length === 0) return null
  const paragraph = keepEdgeSpaces(schema.nodes.paragraph!.create(null, content), line, schema)
  return new Slice(Fragment.from(paragraph), 1, 1)
}

function mergesAtEdge(block: PMNode | null, inItem: boolean): boolean {
  if (!block) return false
  return block.type.name === 'paragraph' || (inItem && LIST_TYPES.has(block.type.name))
}

function insideItem($pos: ResolvedPos): boolean {
  for (let depth = $pos.depth; depth > 0; depth--) {
    const node = $pos.node(depth)
    if (ITEM_TYPES.has(node.type.name)) return true
    if (node.type.spec.isolating) return false
  }
  return false
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
