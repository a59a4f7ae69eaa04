/**
 * Ways to look at a converged document in the concurrency tests: who wrote
 * which characters, and what the document is with the humans' typing removed.
 */
import type { JSONContent } from '@tiptap/core'
import * as Y from 'yjs'
import { contentOf, fragmentOf, type Rng } from './helpers.ts'

/** A browser-like client id: random 32-bit, above the server's small range. */
export function browserClientId(rng: Rng): number {
  return 0x10000 + Math.floor(rng() * (0xffffffff - 0x10000))
}

export function allTexts(doc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (type: Y.XmlFragment): void => {
    for (const child of type.toArray()) {
      if (child instanceof Y.XmlText) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(fragmentOf(doc))
  return out
}

/** Text of every text node outside code blocks (marks dropped): what a reader sees as words. */
export function visibleTexts(doc: Y.Doc): string[] {
  const out: string[] = []
  const walk = (node: Y.XmlElement | Y.XmlFragment): void => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) out.push(child.toString().replace(/<[^>]*>/g, ''))
      else if (child instanceof Y.XmlElement && child.nodeName !== 'codeBlock') walk(child)
    }
  }
  walk(fragmentOf(doc))
  return out
}

/** Visible characters of one text node with the client that created each. */
export function charsOf(text: Y.XmlText): Array<{ ch: string; client: number }> {
  const out: Array<{ ch: string; client: number }> = []
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue
    for (const ch of item.content.str) out.push({ ch, client: item.id.client })
  }
  return out
}

/** Number of visible characters each client contributed. */
export function charCounts(doc: Y.Doc): Map<number, number> {
  const counts = new Map<number, number>()
  for (const text of allTexts(doc)) for (const { client } of charsOf(text)) counts.set(client, (counts.get(client) ?? 0) + 1)
  return counts
}

/** True when, in every text node, the AI's characters form one unbroken run. */
export function aiRunsContiguous(doc: Y.Doc, aiClient: number): boolean {
  return allTexts(doc).every((text) => {
    const clients = charsOf(text).map((c) => c.client)
    const first = clients.indexOf(aiClient)
    const last = clients.lastIndexOf(aiClient)
    return first < 0 || clients.slice(first, last + 1).every((c) => c === aiClient)
  })
}

/** The document's content with every character typed by `clients` removed. */
export function contentWithout(doc: Y.Doc, clients: ReadonlySet<number>): JSONContent[] {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  for (const text of allTexts(copy)) {
    const chars = charsOf(text)
    for (let i = chars.length - 1; i >= 0; i--) if (clients.has(chars[i]?.client ?? -1)) text.delete(i, 1)
  }
  return contentOf(copy)
}

/** Every doc has the same state and content. */
export function converged(docs: readonly Y.Doc[]): boolean {
  const [first, ...rest] = docs
  if (first === undefined) return true
  const sv = Buffer.from(Y.encodeStateVector(first)).toString('base64')
  const content = JSON.stringify(contentOf(first))
  return rest.every((d) => Buffer.from(Y.encodeStateVector(d)).toString('base64') === sv && JSON.stringify(contentOf(d)) === content)
}
