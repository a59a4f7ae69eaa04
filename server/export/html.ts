/**
 * The document → HTML that Tiptap's own parse rules read back: task lists as
 * `data-type="taskList"` / `data-type="taskItem"` with `data-checked`, tables
 * with `<th>`/`<td>` and `text-align`, highlight as `<mark>`. Links open in a
 * new tab without giving the opened page a handle on this one, and keep
 * their title.
 */
import { isTaskChecked } from '../../shared/editorSchema.ts'
import { safeHref } from '../../shared/markdown/href.ts'
import type { PMMark, PMNode } from './types.ts'

const BLOCK_TAGS: Record<string, string> = {
  blockquote: 'blockquote',
  bulletList: 'ul',
  orderedList: 'ol',
  listItem: 'li',
  table: 'table',
  tableRow: 'tr',
}

const MARK_TAGS: Record<string, string> = { bold: 'strong', italic: 'em', strike: 's', code: 'code', underline: 'u', highlight: 'mark' }

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
      return `<h${level}${keepSpaces(n)}>${children()}</h${level}>`
    }
    case 'paragraph':
      return `<p${keepSpaces(n)}>${children()}</p>`
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' && n.attrs.language ? ` class="language-${escapeHtml(n.attrs.language)}"` : ''
      const text = (n.content ?? []).map((c) => c.text ?? '').join('')
      return `<pre><code${lang}>${escapeHtml(text)}</code></pre>`
    }
    case 'orderedList': {
      const start = listStart(n.attrs?.start)
      return `<ol${start !== 1 ? ` start="${start}"` : ''}>${children()}</ol>`
    }
    case 'taskList':
      return `<ul data-type="taskList">${children()}</ul>`
    case 'taskItem': {
      const checked = isTaskChecked(n.attrs?.checked)
      // The disabled checkbox is for people reading the file; the parse rules read data-checked.
      return `<li data-type="taskItem" data-checked="${checked}"><input type="checkbox" disabled${checked ? ' checked' : ''}>${children()}</li>`
    }
    case 'tableHeader':
    case 'tableCell':
      return cell(n, children())
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

/**
 * HTML collapses runs of spaces and drops them at a block's edges; the
 * document keeps them. A textblock whose text has such spaces says
 * `white-space: pre-wrap`, as the editor shows it, and the importer (like
 * ProseMirror's parser) then keeps them as they are.
 */
function keepSpaces(n: PMNode): string {
  const text = (n.content ?? []).map((c) => (c.type === 'text' ? (c.text ?? '') : '\n')).join('')
  return /(?:^|\n)[ \t]|[ \t](?:$|\n)|[ \t]{2}|\t/.test(text) ? ' style="white-space: pre-wrap"' : ''
}

function cell(n: PMNode, content: string): string {
  const tag = n.type === 'tableHeader' ? 'th' : 'td'
  let attrs = ''
  for (const key of ['colspan', 'rowspan'] as const) {
    const span = Number(n.attrs?.[key] ?? 1)
    if (Number.isSafeInteger(span) && span > 1) attrs += ` ${key}="${span}"`
  }
  const align = n.attrs?.align
  if (align === 'left' || align === 'center' || align === 'right') attrs += ` style="text-align: ${align}"`
  return `<${tag}${attrs}>${content}</${tag}>`
}

function marks(html: string, list: PMMark[]): string {
  let out = html
  for (const m of list) {
    if (m.type === 'link') {
      // The document only holds safe links, but an export must not trust that.
      const href = safeHref(typeof m.attrs?.href === 'string' ? m.attrs.href : '')
      const title = typeof m.attrs?.title === 'string' && m.attrs.title !== '' ? ` title="${escapeHtml(m.attrs.title)}"` : ''
      if (href !== null) out = `<a href="${escapeHtml(href)}"${title} target="_blank" rel="noopener noreferrer">${out}</a>`
    } else {
      const tag = MARK_TAGS[m.type]
      if (tag) out = `<${tag}>${out}</${tag}>`
    }
  }
  return out
}

export function clampLevel(level: unknown): number {
  const n = Number(level)
  return Number.isInteger(n) && n >= 1 && n <= 6 ? n : 1
}

/** A list's first number as Markdown and HTML can write it (a peer may store any JSON value there). */
export function listStart(value: unknown): number {
  const n = Number(value ?? 1)
  return Number.isSafeInteger(n) && n >= 0 ? n : 1
}
