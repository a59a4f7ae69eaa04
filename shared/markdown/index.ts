/**
 * Markdown → ProseMirror JSON for the editor schema, on top of marked's lexer.
 *
 * `markdownToBlocks` is the one-shot conversion; the AI stream writer uses
 * `lexMarkdown` + `tokensToBlocks` to convert one top-level token at a time,
 * which yields exactly the same blocks as converting the whole text (each
 * top-level token converts independently).
 */
import type { JSONContent } from '@tiptap/core'
import type { Schema } from '@tiptap/pm/model'
import type { Token } from 'marked'
import { blockNodes } from './blocks.ts'
import { lexMarkdown } from './lexer.ts'

export { lexMarkdown }

export function tokensToBlocks(tokens: readonly Token[], schema: Schema): JSONContent[] {
  return blockNodes(tokens, schema).map((node) => node.toJSON() as JSONContent)
}

export function markdownToBlocks(md: string, schema: Schema): JSONContent[] {
  return tokensToBlocks(lexMarkdown(md), schema)
}
