import type { PMMark, PMNode } from './types.ts'

const BLOCK_TAGS: Record<string, string> = {
  paragraph: 'p',
  blockquote: 'blockquote',
  bulletList: 'ul',
  orderedList: 'ol',
  listItem: 'li',
}

const MARK_TAGS: Record<string, string> = { bold: 'strong', italic: 'em', strike: 's', code: 'code', underline: 'u' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** Serialize the document body (the editor's schema only) to HTML. */
export function toHtml(doc: PMNode): string {
  return (doc.content ?? []).map(node).join('\n')
}

export function toHtmlDocument(doc: PMNode, title: string): string {
  return `<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n${toHtml(doc)}\n</body>\n</html>\n`
}

function node(n: PMNode): string {
  const children = () => (n.content ?? []).map(node).join('')
  switch (n.type) {
    case 'text':
      return marks(escapeHtml(n.text ?? ''), n.marks ?? [])
    case 'heading': {
      const level = clampLevel(n.attrs?.level)
      return `<h${level}>${children()}</h${level}>`
    }
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' && n.attrs.language ? ` class="language-${escapeHtml(n.attrs.language)}"` : ''
      const text = (n.content ?? []).map((c) => c.text ?? '').join('')
      return `<pre><code${lang}>${escapeHtml(text)}</code></pre>`
    }
    case 'orderedList': {
      const start = Number(n.attrs?.start ?? 1)
      return `<ol${start !== 1 ? ` start="${start}"` : ''}>${children()}</ol>`
    }
    case 'horizontalRule':
      return '<hr>'
    case 'hardBreak':
      return '<br>'
    default: {
      const tag = BLOCK_TAGS[n.type]
      return tag ? `<${tag}>${children()}</${tag}>` : children()
    }
  }
}

function marks(html: string, list: PMMark[]): string {
  let out = html
  for (const m of list) {
    if (m.type === 'link') {
      const href = typeof m.attrs?.href === 'string' ? m.attrs.href : ''
      out = `<a href="${escapeHtml(safeHref(href))}">${out}</a>`
    } else {
      const tag = MARK_TAGS[m.type]
      if (tag) out = `<${tag}>${out}</${tag}>`
    }
  }
  return out
}

/** Drop script-capable URLs from exported links. */
function safeHref(href: string): string {
  return /^\s*(javascript|data|vbscript):/i.test(href) ? '#' : href
}

export function clampLevel(level: unknown): number {
  const n = Number(level)
  return Number.isInteger(n) && n >= 1 && n <= 6 ? n : 1
}
