import * as Y from 'yjs'
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap'
import type { ExportFormat } from '../../shared/apiTypes.ts'
import { toHtmlDocument } from './html.ts'
import { toMarkdown } from './markdown.ts'
import type { PMNode } from './types.ts'

export type { PMNode, PMMark } from './types.ts'
export { toHtml, toHtmlDocument, escapeHtml } from './html.ts'
export { toMarkdown } from './markdown.ts'

export function fragmentToJSON(fragment: Y.XmlFragment): PMNode {
  return yXmlFragmentToProsemirrorJSON(fragment) as PMNode
}

export const EXPORT_TYPES: Record<ExportFormat, { mime: string; ext: string }> = {
  md: { mime: 'text/markdown; charset=utf-8', ext: 'md' },
  html: { mime: 'text/html; charset=utf-8', ext: 'html' },
  json: { mime: 'application/json; charset=utf-8', ext: 'json' },
}

export function exportDocument(fragment: Y.XmlFragment, format: ExportFormat, title: string): string {
  const json = fragmentToJSON(fragment)
  switch (format) {
    case 'md':
      return toMarkdown(json)
    case 'html':
      return toHtmlDocument(json, title)
    case 'json':
      return JSON.stringify(json, null, 2) + '\n'
  }
}
