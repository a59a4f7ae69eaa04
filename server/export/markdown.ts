/**
 * The document → GFM (strikethrough, tables, task lists) that the importer
 * (shared/markdown) reads back into the same document.
 *
 * Markdown cannot say everything the document can; what it cannot, it
 * normalizes the way any Markdown reader would: an empty paragraph has no
 * Markdown and is left out, spaces at the edges of a paragraph are dropped,
 * a table's first row is its header (markdownTable.ts) and a cell holds one
 * line. Inline content is written by markdownInline.ts. Two lists of the
 * same kind in a row would be read as one, so the second takes the other
 * bullet (`*`) or delimiter (`)`).
 */
import { isTaskChecked } from '../../shared/editorSchema.ts'
import { clampLevel, listStart } from './html.ts'
import { inlineMarkdown } from './markdownInline.ts'
import { markdownTable } from './markdownTable.ts'
import type { PMNode } from './types.ts'

export function toMarkdown(doc: PMNode): string {
  return blocks(doc.content ?? [], '').trimEnd() + '\n'
}

function blocks(list: PMNode[], indent: string): string {
  let previous: { type: string; alternate: boolean } | null = null
  const out: string[] = []
  for (const node of list) {
    if (node.type === 'paragraph' && isEmpty(node)) continue
    const alternate: boolean = previous !== null && sameListKind(previous.type, node.type) && !previous.alternate
    out.push(block(node, indent, alternate))
    previous = { type: node.type, alternate }
  }
  return out.join('\n')
}

function isEmpty(node: PMNode): boolean {
  return (node.content ?? []).every((child) => child.type === 'text' && (child.text ?? '').trim() === '')
}

/** Lists that Markdown would join into one when written one after the other with the same marker. */
function sameListKind(a: string, b: string): boolean {
  const bullets = (t: string): boolean => t === 'bulletList' || t === 'taskList'
  return (a === b && (bullets(a) || a === 'orderedList'))
}

function block(n: PMNode, indent: string, alternate = false): string {
  switch (n.type) {
    case 'heading':
      return `${indent}${'#'.repeat(clampLevel(n.attrs?.level))} ${inlineMarkdown(n.content ?? [], { breaks: 'html' })}\n`
    case 'paragraph':
      return `${indent}${inlineMarkdown(n.content ?? [], { breaks: 'newline' }).replace(/\n/g, `\n${indent}`)}\n`
    case 'blockquote':
      return (
        blocks(n.content ?? [], '')
          .trimEnd()
          .split('\n')
          .map((l) => `${indent}> ${l}`.trimEnd())
          .join('\n') + '\n'
      )
    case 'codeBlock':
      return codeBlock(n, indent)
    case 'horizontalRule':
      return `${indent}---\n`
    case 'table':
      return markdownTable(n, indent, (content) => inlineMarkdown(content, { breaks: 'html', cell: true }))
    case 'bulletList':
    case 'orderedList':
    case 'taskList':
      return list(n, indent, alternate)
    default:
      return blocks(n.content ?? [], indent)
  }
}

/** A fence longer than any run of backticks in the code, so no line of it can close the block. */
function codeBlock(n: PMNode, indent: string): string {
  const language = typeof n.attrs?.language === 'string' ? n.attrs.language.replace(/[\s`]/g, '') : ''
  const text = (n.content ?? []).map((c) => c.text ?? '').join('')
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  const body = text.split('\n').map((l) => (l === '' ? l : indent + l))
  return `${indent}${fence}${language}\n${body.join('\n')}\n${indent}${fence}\n`
}

function list(n: PMNode, indent: string, alternate: boolean): string {
  let i = listStart(n.attrs?.start)
  const bullet = alternate ? '* ' : '- '
  return (
    (n.content ?? [])
      .map((item) => {
        const marker =
          n.type === 'taskList' ? `${bullet}[${isTaskChecked(item.attrs?.checked) ? 'x' : ' '}] ` : n.type === 'bulletList' ? bullet : `${i++}${alternate ? ')' : '.'} `
        const content = item.content ?? []
        // An item whose first line is empty: the marker stands alone, and what follows goes under it
        // (after a blank line under a task's "[ ]", which a "---" would otherwise underline into a heading).
        const bare = content[0]?.type === 'paragraph' && isEmpty(content[0])
        const rest = blocks(content, '').trimEnd()
        const body = (bare && rest !== '' ? (n.type === 'taskList' ? '\n\n' : '\n') : '') + rest
        // A task's content starts after "- ": the checkbox is part of its first line.
        const pad = ' '.repeat(n.type === 'taskList' ? bullet.length : marker.length)
        return indent + (bare ? marker.trimEnd() : marker) + body.split('\n').map((l, j) => (j === 0 || l === '' ? l : indent + pad + l)).join('\n')
      })
      .join('\n') + '\n'
  )
}
