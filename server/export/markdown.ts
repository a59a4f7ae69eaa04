import { clampLevel } from './html.ts'
import { markdownTable } from './markdownTable.ts'
import type { PMMark, PMNode } from './types.ts'

/**
 * Serialize the document to GFM: strikethrough, tables and task lists.
 * Underline and highlight have no Markdown syntax, so they are written as the
 * inline HTML `<u>` and `<mark>` that GFM passes through (and our reading turns
 * back into the marks).
 */
export function toMarkdown(doc: PMNode): string {
  return blocks(doc.content ?? [], '').trimEnd() + '\n'
}

function blocks(list: PMNode[], indent: string): string {
  return list.map((b) => block(b, indent)).join('\n')
}

function block(n: PMNode, indent: string): string {
  switch (n.type) {
    case 'heading':
      return `${indent}${'#'.repeat(clampLevel(n.attrs?.level))} ${inline(n.content ?? [])}\n`
    case 'paragraph':
      return `${indent}${inline(n.content ?? []).replace(/\n/g, `\n${indent}`)}\n`
    case 'blockquote':
      return blocks(n.content ?? [], '')
        .trimEnd()
        .split('\n')
        .map((l) => `${indent}> ${l}`.trimEnd())
        .join('\n') + '\n'
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' ? n.attrs.language : ''
      const text = (n.content ?? []).map((c) => c.text ?? '').join('')
      const fence = text.includes('```') ? '~~~~' : '```'
      return `${indent}${fence}${lang}\n${text.split('\n').map((l) => indent + l).join('\n')}\n${indent}${fence}\n`
    }
    case 'horizontalRule':
      return `${indent}---\n`
    case 'table':
      return markdownTable(n, indent, inline)
    case 'bulletList':
    case 'orderedList':
    case 'taskList': {
      let i = Number(n.attrs?.start ?? 1)
      return (n.content ?? [])
        .map((item) => {
          const marker = n.type === 'taskList' ? `- [${item.attrs?.checked === true ? 'x' : ' '}] ` : n.type === 'bulletList' ? '- ' : `${i++}. `
          const body = blocks(item.content ?? [], '').trimEnd()
          // A task's content starts after "- ": the checkbox is part of its first line.
          const pad = ' '.repeat(n.type === 'taskList' ? 2 : marker.length)
          return indent + marker + body.split('\n').map((l, j) => (j === 0 || l === '' ? l : indent + pad + l)).join('\n')
        })
        .join('\n') + '\n'
    }
    default:
      return blocks(n.content ?? [], indent)
  }
}

const WRAP: Record<string, string> = { bold: '**', italic: '_', strike: '~~', code: '`' }
const TAGS: Record<string, string> = { underline: 'u', highlight: 'mark' }

function inline(list: PMNode[]): string {
  return list
    .map((n) => {
      if (n.type === 'hardBreak') return '  \n'
      if (n.type !== 'text') return inline(n.content ?? [])
      const isCode = (n.marks ?? []).some((m) => m.type === 'code')
      let s = isCode ? n.text ?? '' : escapeMd(n.text ?? '')
      for (const m of n.marks ?? []) s = mark(s, m)
      return s
    })
    .join('')
}

function mark(s: string, m: PMMark): string {
  if (m.type === 'link') return `[${s}](${linkTarget(String(m.attrs?.href ?? ''))})`
  const tag = TAGS[m.type]
  if (tag) return `<${tag}>${s}</${tag}>`
  const w = WRAP[m.type]
  return w ? `${w}${s}${w}` : s
}

/** A target with spaces or parentheses needs the `<…>` form to stay one link. */
function linkTarget(href: string): string {
  return /[\s()<>]/.test(href) ? `<${href.replace(/[<>]/g, encodeURIComponent)}>` : href
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>#~|])/g, '\\$1')
}
