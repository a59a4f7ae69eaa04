/**
 * Markdown → ProseMirror JSON for the editor schema, on top of marked's lexer.
 *
 * `markdownToBlocks` is the one-shot conversion (`markdownToNodes` gives the
 * same blocks as nodes, for a paste); the AI stream writer uses
 * `lexMarkdown` + `tokensToBlocks` to convert one top-level token at a time,
 * which yields exactly the same blocks as converting the whole text (each
 * top-level token converts independently).
 */
import type { JSONContent } from '@tiptap/core'
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Token } from 'marked'
import { blockNodes } from './blocks.ts'
import { inlineNodes } from './inline.ts'
import { lexInline, lexMarkdown } from './lexer.ts'

export { lexMarkdown }

export function tokensToBlocks(tokens: readonly Token[], schema: Schema): JSONContent[] {
  return blockNodes(tokens, schema).map((node) => node.toJSON() as JSONContent)
}

export function markdownToBlocks(md: string, schema: Schema): JSONContent[] {
  return tokensToBlocks(lexMarkdown(md), schema)
}

export function markdownToNodes(md: string, schema: Schema): PMNode[] {
  return blockNodes(lexMarkdown(md), schema)
}

/**
 * One line read for its inline syntax only (links, emphasis, code): pasted
 * into a sentence, "# of items in `list`" keeps its "#" and "1. Intro with
 * **bold**" its number, as the text they were in.
 */
export function markdownInline(line: string, schema: Schema): PMNode[] {
  return inlineNodes(lexInline(line), schema)
}
