/** Real y-websocket clients in Node, with `ws` as the WebSocket. */
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { waitFor } from './wait.ts'

// Each y-websocket provider in Node adds a process 'exit' listener; tests
// with dozens of clients would otherwise print leak warnings.
process.setMaxListeners(Math.max(process.getMaxListeners(), 1000))

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** The document's plain text (one line per block). */
  text(): string
  destroy(): void
}

export function connectClient(wsUrl: string, docId: string, opts: { params?: Record<string, string>; connect?: boolean } = {}): TestClient {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, docId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Node has BroadcastChannel: without this, clients in one test process
    // would sync through it and hide server bugs.
    disableBc: true,
    maxBackoffTime: 300,
    params: opts.params ?? {},
    connect: opts.connect ?? true,
  })
  return {
    doc,
    provider,
    text: () => fragmentText(doc.getXmlFragment(DOC_FIELD)),
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

export async function connectSynced(wsUrl: string, docId: string, opts: { params?: Record<string, string> } = {}): Promise<TestClient> {
  const c = connectClient(wsUrl, docId, opts)
  await waitFor(() => c.provider.synced, `client synced to ${docId}`)
  return c
}

export function fragmentText(fragment: Y.XmlFragment): string {
  return fragment
    .toArray()
    .map((b) => textOf(b))
    .join('\n')
}

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) return (node.toDelta() as { insert?: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
  if (node instanceof Y.XmlElement) return node.toArray().map(textOf).join('')
  return ''
}

/** Append a paragraph with `text` (how Tiptap stores a typed line). */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(text)])
  doc.getXmlFragment(DOC_FIELD).push([p])
}

/** Type `text` at `index` in the first paragraph (creating it if needed). */
export function typeInFirstParagraph(doc: Y.Doc, index: number, text: string): void {
  const frag = doc.getXmlFragment(DOC_FIELD)
  doc.transact(() => {
    if (frag.length === 0) {
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText('')])
      frag.push([p])
    }
    const p = frag.get(0) as Y.XmlElement
    const t = p.get(0) as Y.XmlText
    t.insert(Math.min(index, t.length), text)
  })
}

export function allSame(clients: TestClient[]): boolean {
  const first = Y.encodeStateVector(clients[0]!.doc).toString()
  const text = clients[0]!.text()
  return clients.every((c) => c.text() === text && Y.encodeStateVector(c.doc).toString() === first)
}
