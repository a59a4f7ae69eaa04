/**
 * Large documents: after the room unloads, a fresh client is answered from
 * the stored state before the server has rebuilt its Y.Doc. Everything must
 * still be exact: content, diffs for clients with a partial copy, and edits.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendParagraph, allSame, connectClient, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

describe('cold load of a large document', () => {
  let srv: TestServer | null = null
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await srv?.close()
  })

  it('serves fresh and partial clients exactly, then accepts edits', async () => {
    srv = await startServer()
    const writer = await connectSynced(srv.wsUrl, 'big')
    writer.doc.transact(() => {
      for (let i = 0; i < 400; i++) appendParagraph(writer.doc, `paragraph ${i} ` + 'lorem ipsum '.repeat(80))
    })
    // A copy taken halfway, for a client that already has part of it.
    const partial = Y.encodeStateAsUpdate(writer.doc)
    appendParagraph(writer.doc, 'the last paragraph')
    const full = writer.text()
    await waitFor(() => srv!.server.context.registry.get('big')?.doc.getXmlFragment('default').length === 401, 'server has it all')
    writer.destroy()
    await waitFor(() => srv!.server.context.registry.size === 0, 'room unloaded')

    const fresh = connectClient(srv.wsUrl, 'big')
    clients.push(fresh)
    let textAtSync = ''
    fresh.provider.on('sync', (s: boolean) => s && (textAtSync = fresh.text()))
    const behind = connectClient(srv.wsUrl, 'big', { connect: false })
    clients.push(behind)
    Y.applyUpdate(behind.doc, partial)
    behind.provider.connect()
    await waitFor(() => fresh.provider.synced && behind.provider.synced, 'both synced')
    expect(textAtSync).toBe(full)
    await waitFor(() => behind.text() === full, 'partial client caught up')
    expect(fresh.text()).toBe(full)

    appendParagraph(fresh.doc, 'after the cold load')
    await waitFor(() => allSame([fresh, behind]) && behind.text().endsWith('after the cold load'), 'edits flow')
    const list = (await (await fetch(`${srv.url}/api/docs`)).json()) as { docs: { id: string; title: string }[] }
    expect(list.docs.find((d) => d.id === 'big')?.title).toMatch(/^paragraph 0 lorem/)
  })
})
