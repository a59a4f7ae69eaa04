/** One server with a fake upstream, plus helpers shared by the AI tests. */
import * as Y from 'yjs'
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap'
import { DOC_FIELD, documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { waitFor } from '../support/wait.ts'

export interface AiHarness {
  srv: TestServer
  upstream: FakeOpenAI
  clients: TestClient[]
  /** Two synced clients in `docId`, whose document holds one paragraph with `text`. */
  room(docId: string, text?: string): Promise<[TestClient, TestClient]>
  close(): Promise<void>
}

export async function startAiHarness(env: Record<string, string> = {}): Promise<AiHarness> {
  const upstream = await startFakeOpenAI()
  const srv = await startServer({ AI_MODEL: 'fake-model', OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: 'test-key', AI_TIMEOUT_MS: '1500', AI_RATE_PER_MINUTE: '100000', AI_RATE_BURST: '10000', AI_SERVER_RATE_PER_MINUTE: '1000000', ...env })
  const clients: TestClient[] = []
  return {
    srv,
    upstream,
    clients,
    async room(docId, text = '') {
      const a = await connectSynced(srv.wsUrl, docId)
      const b = await connectSynced(srv.wsUrl, docId)
      clients.push(a, b)
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(text)])
      a.doc.getXmlFragment(DOC_FIELD).insert(0, [p])
      await waitFor(() => b.doc.getXmlFragment(DOC_FIELD).length === 1 && b.text() === text, 'room ready')
      return [a, b]
    },
    async close() {
      for (const c of clients.splice(0)) c.destroy()
      await srv.close()
      await upstream.close()
    },
  }
}

const schema = documentSchema()

/** The document as ProseMirror JSON, normalized through the editor schema. */
export function docJSON(doc: Y.Doc): unknown[] {
  const json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOC_FIELD))
  return (schema.nodeFromJSON(json).toJSON() as { content?: unknown[] }).content ?? []
}

export function oneShot(md: string): unknown[] {
  return markdownToBlocks(md, schema)
}
