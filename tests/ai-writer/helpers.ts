/**
 * Shared fixtures for the AI writer tests: documents, seeded randomness, a
 * yjs-testHelper-style network that delivers updates in random order, and
 * the expected result of a write.
 */
import type { JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { DOC_FIELD, documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { StreamWriter, type WriteTarget } from '../../server/ai/writer/index.ts'

export const schema = documentSchema()

/** The server document's client id: small, so it wins left in YATA ties. */
export const AI_CLIENT = 7
/** Client id of the document that created the initial content. */
export const SEED_CLIENT = 100

export type Rng = () => number

/** mulberry32: small, fast, good enough for test schedules. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
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

/** Canonical ProseMirror JSON of the document's blocks. */
export function contentOf(doc: Y.Doc): JSONContent[] {
  const json = yXmlFragmentToProseMirrorRootNode(fragmentOf(doc), schema).toJSON() as JSONContent
  return json.content ?? []
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
  if ('afterIndex' in where || blocks[0]?.type !== 'paragraph') {
    const at = 'afterIndex' in where ? where.afterIndex : where.inlineAt
    return canonical([...before.slice(0, at + 1), ...blocks, ...before.slice(at + 1)])
  }
  const host = before[where.inlineAt] as JSONContent
  const hostText = host.content?.map((n) => n.text ?? '').join('') ?? ''
  const first = blocks[0] as JSONContent
  const merged: JSONContent = {
    ...host,
    content: [
      ...(hostText.slice(0, where.offset) === '' ? [] : [{ type: 'text', text: hostText.slice(0, where.offset) }]),
      ...(first.content ?? []),
      ...(hostText.slice(where.offset) === '' ? [] : [{ type: 'text', text: hostText.slice(where.offset) }]),
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

/** Every visible character of the fragment, in document order, with its creator. */
export function charsWithClients(doc: Y.Doc): Array<{ text: Y.XmlText; ch: string; client: number }> {
  const out: Array<{ text: Y.XmlText; ch: string; client: number }> = []
  const walk = (type: Y.XmlFragment | Y.XmlText): void => {
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted) continue
      const content = item.content
      if (content instanceof Y.ContentString && type instanceof Y.XmlText) {
        for (const ch of content.str) out.push({ text: type, ch, client: item.id.client })
      } else if (content instanceof Y.ContentType) {
        const child: unknown = content.type
        if (child instanceof Y.XmlFragment || child instanceof Y.XmlText) walk(child)
      }
    }
  }
  walk(fragmentOf(doc))
  return out
}

/**
 * Docs connected through a queue of updates that is delivered in random
 * order (like yjs's testHelper). Updates applied from the network carry the
 * `network` origin so they are not re-broadcast.
 */
export class Network {
  private readonly queue: Array<{ to: Y.Doc; update: Uint8Array }> = []
  readonly origin = { kind: 'network' }

  constructor(readonly docs: readonly Y.Doc[]) {
    for (const from of docs) {
      from.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === this.origin) return
        for (const to of docs) if (to !== from) this.queue.push({ to, update })
      })
    }
  }

  /** Delivers up to `count` random queued updates. */
  deliverSome(rng: Rng, count: number): void {
    for (let i = 0; i < count && this.queue.length > 0; i++) {
      const [msg] = this.queue.splice(randInt(rng, 0, this.queue.length - 1), 1)
      if (msg !== undefined) Y.applyUpdate(msg.to, msg.update, this.origin)
    }
  }

  deliverAll(rng: Rng): void {
    while (this.queue.length > 0) this.deliverSome(rng, this.queue.length)
  }
}
