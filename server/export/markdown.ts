import { clampLevel } from './html.ts'
import type { PMMark, PMNode } from './types.ts'

/** Serialize the document to CommonMark (GFM strikethrough for `strike`). */
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
    case 'bulletList':
    case 'orderedList': {
      let i = Number(n.attrs?.start ?? 1)
      return (n.content ?? [])
        .map((item) => {
          const marker = n.type === 'bulletList' ? '- ' : `${i++}. `
          const body = blocks(item.content ?? [], '').trimEnd()
          const pad = ' '.repeat(marker.length)
          return indent + marker + body.split('\n').map((l, j) => (j === 0 || l === '' ? l : indent + pad + l)).join('\n')
        })
        .join('\n') + '\n'
    }
    default:
      return blocks(n.content ?? [], indent)
  }
}

const WRAP: Record<string, string> = { bold: '**', italic: '_', strike: '~~', code: '`' }

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
  if (m.type === 'link') return `[${s}](${String(m.attrs?.href ?? '')})`
  const w = WRAP[m.type]
  return w ? `${w}${s}${w}` : s
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>#~|])/g, '\\$1')
}
