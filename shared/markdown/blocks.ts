/**
 * marked block tokens → ProseMirror block nodes of the editor schema.
 *
 * Every branch must produce schema-valid nodes for any input, because the
 * output goes straight into the shared document: a list item always starts
 * with a paragraph, containers are never empty, code blocks carry no marks,
 * and text nodes are never empty. Structures the schema lacks (tables, raw
 * HTML, task checkboxes) degrade to paragraphs of their text.
 */
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Token, Tokens } from 'marked'
import { inlineNodes, plainInline } from './inline.ts'
import { lexMarkdown } from './lexer.ts'

const TABLE_CELL_SEPARATOR = ' · '
const TASK_OPEN = '☐'
const TASK_DONE = '☑'
/** Tags that end a line of text when HTML is read as plain text. */
const BLOCK_TAG = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|pre|hr)\b[^>]*>/gi

function paragraph(schema: Schema, content: readonly PMNode[]): PMNode {
  return schema.nodes.paragraph!.create(null, content)
}

/** A node of `name`, or a paragraph of `fallbackText` when the schema has no such type. */
function nodeOr(schema: Schema, name: string, attrs: Record<string, unknown> | null, content: readonly PMNode[], fallbackText: string): PMNode {
  const type = schema.nodes[name]
  return type !== undefined ? type.create(attrs, content) : paragraph(schema, plainInline(fallbackText, schema))
}

function heading(token: Tokens.Heading, schema: Schema): PMNode {
  const level = Math.min(6, Math.max(1, token.depth))
  const content = inlineNodes(token.tokens, schema)
  return schema.nodes.heading !== undefined ? schema.nodes.heading.create({ level }, content) : paragraph(schema, content)
}

function codeBlock(token: Tokens.Code, schema: Schema): PMNode {
  const language = (token.lang ?? '').trim().split(/\s+/)[0] ?? ''
  const text = token.text === '' ? [] : [schema.text(token.text)]
  const type = schema.nodes.codeBlock
  return type !== undefined ? type.create({ language: language === '' ? null : language }, text) : paragraph(schema, text)
}

function blockquote(token: Tokens.Blockquote, schema: Schema, inHtml: boolean): PMNode {
  const children = blockNodes(token.tokens, schema, inHtml)
  return nodeOr(schema, 'blockquote', null, children.length > 0 ? children : [paragraph(schema, [])], token.text)
}

function listItem(item: Tokens.ListItem, schema: Schema, inHtml: boolean): PMNode {
  const children = blockNodes(item.tokens.filter((t) => t.type !== 'checkbox'), schema, inHtml)
  const first = children[0]
  if (first?.type.name === 'heading') children[0] = paragraph(schema, first.content.content)
  else if (first?.type.name !== 'paragraph') children.unshift(paragraph(schema, []))
  if (item.task) {
    // A checkbox the schema cannot hold stays visible as a ballot-box character.
    const head = children[0] as PMNode
    const mark = item.checked === true ? TASK_DONE : TASK_OPEN
    const lead = schema.text(head.content.size > 0 ? `${mark} ` : mark)
    children[0] = paragraph(schema, [lead, ...head.content.content])
  }
  return nodeOr(schema, 'listItem', null, children, item.text)
}

function list(token: Tokens.List, schema: Schema, inHtml: boolean): PMNode {
  const items = token.items.map((item) => listItem(item, schema, inHtml))
  if (token.ordered) {
    const start = typeof token.start === 'number' && Number.isSafeInteger(token.start) ? token.start : 1
    return nodeOr(schema, 'orderedList', { start }, items, token.raw)
  }
  return nodeOr(schema, 'bulletList', null, items, token.raw)
}

function tableRows(token: Tokens.Table, schema: Schema): PMNode[] {
  const rows = [token.header, ...token.rows]
  return rows.map((cells, rowIndex) => {
    const tokens: Token[] = []
    cells.forEach((cell, i) => {
      if (i > 0) tokens.push({ type: 'text', raw: TABLE_CELL_SEPARATOR, text: TABLE_CELL_SEPARATOR })
      // The header row stays recognisable as one by being bold.
      tokens.push(rowIndex === 0 ? { type: 'strong', raw: cell.text, text: cell.text, tokens: cell.tokens } : { type: 'text', raw: cell.text, text: cell.text, tokens: cell.tokens })
    })
    return paragraph(schema, inlineNodes(tokens, schema))
  })
}

/**
 * Raw HTML keeps its words: comments and tags go, and what is left is read as
 * markdown again (a model that wraps markdown in `<div>` still gets its
 * formatting). HTML inside that second reading stays plain text, so this
 * cannot recurse.
 */
function htmlBlock(token: Tokens.HTML, schema: Schema, nested: boolean): PMNode[] {
  const text = token.text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(BLOCK_TAG, '\n')
    .replace(/<[^>]*>/g, '')
  if (!nested) return blockNodes(lexMarkdown(text), schema, true)
  return text
    .split(/\n[ \t]*\n/)
    .map((part) => plainInline(part, schema))
    .filter((content) => content.length > 0)
    .map((content) => paragraph(schema, content))
}

function textblockOrNothing(tokens: readonly Token[], schema: Schema): PMNode[] {
  const content = inlineNodes(tokens, schema)
  return content.length > 0 ? [paragraph(schema, content)] : []
}

function blockToken(token: Token, schema: Schema, inHtml: boolean): PMNode[] {
  switch (token.type) {
    case 'space':
    case 'def':
    case 'checkbox':
      return []
    case 'paragraph':
      return textblockOrNothing((token as Tokens.Paragraph).tokens, schema)
    case 'text': {
      const t = token as Tokens.Text
      return textblockOrNothing(t.tokens ?? [t], schema)
    }
    case 'heading':
      return [heading(token as Tokens.Heading, schema)]
    case 'code':
      return [codeBlock(token as Tokens.Code, schema)]
    case 'hr':
      return [nodeOr(schema, 'horizontalRule', null, [], '')]
    case 'blockquote':
      return [blockquote(token as Tokens.Blockquote, schema, inHtml)]
    case 'list':
      return [list(token as Tokens.List, schema, inHtml)]
    case 'table':
      return tableRows(token as Tokens.Table, schema)
    case 'html':
      return htmlBlock(token as Tokens.HTML, schema, inHtml)
    default: {
      const generic = token as Tokens.Generic
      if (generic.tokens !== undefined) return textblockOrNothing(generic.tokens, schema)
      const text: unknown = generic['text']
      const content = typeof text === 'string' ? plainInline(text, schema) : []
      return content.length > 0 ? [paragraph(schema, content)] : []
    }
  }
}

/** `inHtml`: these tokens come from the text of a raw HTML block. */
export function blockNodes(tokens: readonly Token[], schema: Schema, inHtml = false): PMNode[] {
  return tokens.flatMap((token) => blockToken(token, schema, inHtml))
}
