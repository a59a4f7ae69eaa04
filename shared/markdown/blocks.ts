/**
 * marked block tokens → ProseMirror block nodes of the editor schema.
 *
 * Every branch must produce schema-valid nodes for any input, because the
 * output goes straight into the shared document: a list item always starts
 * with a paragraph, containers are never empty, code blocks carry no marks,
 * and text nodes are never empty. Tables and task lists have nodes of their
 * own (table.ts, lists.ts); raw HTML blocks degrade to paragraphs of their
 * text.
 */
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Token, Tokens } from 'marked'
import { inlineNodes, plainInline } from './inline.ts'
import { lexMarkdown } from './lexer.ts'
import { listNodes } from './lists.ts'
import { tableNode } from './table.ts'

/** Tags that end a line of text when HTML is read as plain text. */
const BLOCK_TAG = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|pre|hr)\b[^>]*>/gi

/**
 * Elements whose content a browser never shows as text: a pasted or imported
 * page's `<script>` or `<style>` must not arrive as a paragraph of code, nor
 * its `<head>` and `<title>` as a line of words. An unclosed one hides the
 * rest of its block, as it would in a browser.
 */
const HIDDEN_ELEMENT = /<(script|style|title|head|template|noscript)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi

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

/**
 * Raw HTML keeps its words: comments, tags and hidden elements
 * (HIDDEN_ELEMENT) go, and what is left is read as markdown again (a model
 * that wraps markdown in `<div>` still gets its formatting). HTML inside
 * that second reading stays plain text, so this cannot recurse.
 */
function htmlBlock(token: Tokens.HTML, schema: Schema, nested: boolean): PMNode[] {
  const text = token.text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(HIDDEN_ELEMENT, '\n')
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
      return listNodes(token as Tokens.List, schema, (tokens) => blockNodes(tokens, schema, inHtml))
    case 'table': {
      const table = tableNode(token as Tokens.Table, schema)
      return table !== null ? [table] : textblockOrNothing([{ type: 'text', raw: token.raw, text: token.raw }], schema)
    }
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
