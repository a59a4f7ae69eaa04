/**
 * Shared fixtures for the AI writer tests: documents, seeded randomness, a
 * yjs-testHelper-style network that delivers updates in random order, and
 * the expected result of a write.
 */
import type { JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { DOC_FIELD, documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { StreamWriter, type WriteTarget } from '../../server/ai/writer/index.ts'
import { rng } from '../support/wait.ts'

export const schema = documentSchema()

/** The server document's client id: small, so it wins left in YATA ties. */
export const AI_CLIENT = 7
/** Client id of the document that created the initial content. */
export const SEED_CLIENT = 100

export type Rng = () => number

/** mulberry32: small, fast, good enough for test schedules (one copy, in tests/support/wait.ts). */
export function seeded(seed: number): Rng {
  return rng(seed)
}

export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

/** Splits text into model-like tokens of 1..max characters. */
export function randomChunks(text: string, rng: Rng, max = 6): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; ) {
    const n = randInt(rng, 1, max)
    out.push(text.slice(i, i + n))
    i += n
  }
  return out
}

export function para(text?: string): JSONContent {
  return text === undefined || text === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text }] }
}

export function newDoc(clientID: number): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  return doc
}

export function fragmentOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(DOC_FIELD)
}

/** A document with `content`, created by SEED_CLIENT, copied into a doc with `clientID`. */
export function docWith(clientID: number, content: JSONContent[]): Y.Doc {
  const seed = newDoc(SEED_CLIENT)
  prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content }, fragmentOf(seed))
  const doc = newDoc(clientID)
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed))
  return doc
}

/**
 * Canonical ProseMirror JSON of the document's blocks. (Not via
 * yXmlFragmentToProseMirrorRootNode: that one merges adjacent text nodes
 * created by the reading doc's own client, i.e. it edits the document.)
 */
/** Two peers kept in step at once: each one's updates reach the other as they happen (origin 'sync'). */
export function keepInStep(a: Y.Doc, b: Y.Doc): void {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'sync') Y.applyUpdate(to, update, 'sync')
    })
  }
}

export function contentOf(doc: Y.Doc): JSONContent[] {
  const json = yXmlFragmentToProsemirrorJSON(fragmentOf(doc)) as JSONContent
  return json.content === undefined || json.content.length === 0 ? [] : canonical(json.content)
}

/** Throws unless the document is valid for the editor schema. */
export function checkSchema(doc: Y.Doc): void {
  schema.nodeFromJSON({ type: 'doc', content: contentOf(doc) }).check()
}

/** Canonical form of expected blocks (marks sorted, text nodes joined). */
export function canonical(content: JSONContent[]): JSONContent[] {
  const json = schema.nodeFromJSON({ type: 'doc', content }).toJSON() as JSONContent
  return json.content ?? []
}

/**
 * The document after writing `md` into `before`: with `inlineAt` set, the
 * block at that index is a textblock receiving the first paragraph at text
 * offset `offset`; otherwise the blocks go after block `afterIndex`.
 */
export function expectedAfterWrite(
  before: JSONContent[],
  md: string,
  where: { inlineAt: number; offset: number } | { afterIndex: number },
): JSONContent[] {
  const blocks = markdownToBlocks(md, schema)
  // An answer that starts on a new line after text is a block of its own (topLevel.ts).
  const hostHasText = 'inlineAt' in where && (before[where.inlineAt]?.content ?? []).length > 0
  if ('afterIndex' in where || blocks[0]?.type !== 'paragraph' || (hostHasText && /^[ \t]*\r?\n/.test(md))) {
    const at = 'afterIndex' in where ? where.afterIndex : where.inlineAt
    return canonical([...before.slice(0, at + 1), ...blocks, ...before.slice(at + 1)])
  }
  const host = before[where.inlineAt] as JSONContent
  const hostText = host.content?.map((n) => n.text ?? '').join('') ?? ''
  const head = hostText.slice(0, where.offset)
  const rest = hostText.slice(where.offset)
  // Inline, the word gaps at the edges of the answer are kept (see topLevel.ts).
  const space = [{ type: 'text', text: ' ' }]
  const lead = /^[ \t]+[^ \t\n]/.test(md) ? space : []
  const trail = blocks.length === 1 && /[^ \t\n][ \t]+$/.test(md) ? space : []
  const inline = [...lead, ...(blocks[0]?.content ?? []), ...trail]
  // Known limitation: a hard break cannot split the human's text node, so
  // human text after the anchor stays before the first hard break.
  const firstBreak = inline.findIndex((n) => n.type === 'hardBreak')
  const cut = firstBreak < 0 ? inline.length : firstBreak
  const merged: JSONContent = {
    ...host,
    content: [
      ...(head === '' ? [] : [{ type: 'text', text: head }]),
      ...inline.slice(0, cut),
      ...(rest === '' ? [] : [{ type: 'text', text: rest }]),
      ...inline.slice(cut),
    ],
  }
  return canonical([...before.slice(0, where.inlineAt), merged, ...blocks.slice(1), ...before.slice(where.inlineAt + 1)])
}

/** Relative position at `offset` in the text of top-level textblock `block`. */
export function textPosition(doc: Y.Doc, block: number, offset: number): Y.RelativePosition {
  const el = fragmentOf(doc).get(block)
  if (!(el instanceof Y.XmlElement)) throw new Error(`no block ${block}`)
  const text = el.get(0)
  if (text instanceof Y.XmlText) return Y.createRelativePositionFromTypeIndex(text, offset)
  return Y.createRelativePositionFromTypeIndex(el, 0)
}

export function writerFor(doc: Y.Doc, target: WriteTarget, origin: object = { kind: 'ai' }): StreamWriter {
  return new StreamWriter({ doc, fragment: fragmentOf(doc), schema, origin, target })
}

/** Streams `md` token by token, flushing after random numbers of tokens. */
export function streamAll(writer: StreamWriter, md: string, rng: Rng, onFlush?: () => void): void {
  for (const chunk of randomChunks(md, rng)) {
    writer.push(chunk)
    if (rng() < 0.6) {
      writer.flush()
      onFlush?.()
    }
  }
  writer.finish()
  onFlush?.()
}

/**
 * Docs connected pairwise, like yjs's testHelper: each connection delivers
 * its messages in order, and the next message comes from a randomly chosen
 * connection, so updates from different docs interleave arbitrarily.
 * Updates applied from the network carry the `network` origin so they are
 * not re-broadcast.
 */
export class Network {
  private readonly queues = new Map<string, { to: Y.Doc; messages: Uint8Array[] }>()
  readonly origin = { kind: 'network' }

  constructor(readonly docs: readonly Y.Doc[]) {
    docs.forEach((from, i) => {
      from.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === this.origin) return
        docs.forEach((to, j) => {
          if (to === from) return
          const key = `${i}->${j}`
          const queue = this.queues.get(key) ?? { to, messages: [] }
          queue.messages.push(update)
          this.queues.set(key, queue)
        })
      })
    })
  }

  /** Delivers up to `count` messages, each from a random non-empty connection. */
  deliverSome(rng: Rng, count: number): void {
    for (let i = 0; i < count; i++) {
      const busy = [...this.queues.values()].filter((q) => q.messages.length > 0)
      const queue = busy[randInt(rng, 0, busy.length - 1)]
      const update = queue?.messages.shift()
      if (queue === undefined || update === undefined) return
      Y.applyUpdate(queue.to, update, this.origin)
    }
  }

  deliverAll(rng: Rng): void {
    for (;;) {
      const pending = [...this.queues.values()].reduce((n, q) => n + q.messages.length, 0)
      if (pending === 0) return
      this.deliverSome(rng, pending)
    }
  }
}

/**
 * expectedAfterWrite with the writer's rule for an empty line (issue 10): on
 * an empty top-level paragraph, blocks that cannot go into it go before it,
 * so the line stays right after the AI's text.
 */
export function expectedWrite(before: JSONContent[], md: string, where: Parameters<typeof expectedAfterWrite>[2]): JSONContent[] {
  const host = 'inlineAt' in where ? before[where.inlineAt] : undefined
  const blocks = markdownToBlocks(md, schema)
  const emptyLine = host?.type === 'paragraph' && (host.content ?? []).length === 0
  if (!('inlineAt' in where) || !emptyLine || blocks.length === 0 || blocks[0]?.type === 'paragraph') return expectedAfterWrite(before, md, where)
  return canonical([...before.slice(0, where.inlineAt), ...blocks, ...before.slice(where.inlineAt)])
}
