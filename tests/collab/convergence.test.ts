import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { allSame, connectClient, connectSynced, typeInFirstParagraph, appendParagraph, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'

describe('y-websocket clients converge through the server', () => {
  let srv: TestServer
  const clients: TestClient[] = []
  beforeEach(async () => {
    srv = await startServer()
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await srv.close()
  })

  async function concurrentEditing(n: number, seed: number): Promise<void> {
    const docId = `conv-${n}-${seed}`
    for (let i = 0; i < n; i++) clients.push(await connectSynced(srv.wsUrl, docId))
    // Everyone shares one first paragraph before the concurrent typing starts.
    typeInFirstParagraph(clients[0]!.doc, 0, '')
    await waitFor(() => clients.every((c) => c.doc.getXmlFragment('default').length === 1), 'shared first paragraph')
    const random = rng(seed)
    // Everyone types at once: random positions in a shared paragraph, and new paragraphs.
    const rounds = 15
    const typed: string[] = []
    const paragraphs: string[] = []
    await Promise.all(
      clients.map(async (c, i) => {
        for (let r = 0; r < rounds; r++) {
          if (random() < 0.3) {
            paragraphs.push(`p${i}.${r}`)
            appendParagraph(c.doc, `p${i}.${r}`)
          } else {
            typed.push(`<${i}:${r}>`)
            typeInFirstParagraph(c.doc, Math.floor(random() * 40), `<${i}:${r}>`)
          }
          await sleep(Math.floor(random() * 5))
        }
      }),
    )
    await waitFor(() => allSame(clients), `${n} clients to converge`, 15_000)
    const text = clients[0]!.text()
    const lines = text.split('\n')
    for (const p of paragraphs) expect(lines).toContain(p)
    // Concurrent inserts may nest inside each other, but every character survives.
    const sorted = (s: string) => [...s].sort().join('')
    expect(sorted(lines.filter((l) => !paragraphs.includes(l)).join(''))).toBe(sorted(typed.join('')))

    // A client that joins late receives all of it.
    const late = await connectSynced(srv.wsUrl, docId)
    clients.push(late)
    expect(late.text()).toBe(text)
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(clients[0]!.doc))
  }

  it('two clients editing concurrently converge, and a late joiner gets everything', async () => {
    await concurrentEditing(2, 1)
  })

  it('twenty clients editing concurrently converge, and a late joiner gets everything', async () => {
    await concurrentEditing(20, 2)
  })

  it('answers a SyncStep1 with only what the client lacks', async () => {
    const a = await connectSynced(srv.wsUrl, 'diff')
    clients.push(a)
    appendParagraph(a.doc, 'x'.repeat(5000))
    const b = connectClient(srv.wsUrl, 'diff', { connect: false })
    clients.push(b)
    // b already has the big paragraph (e.g. from IndexedDB): the server's
    // SyncStep2 must not resend it.
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc))
    await waitFor(async () => (await fetch(`${srv.url}/api/docs`).then((r) => r.json() as Promise<{ docs: { id: string }[] }>)).docs.some((d) => d.id === 'diff'), 'doc stored')
    let biggest = 0
    b.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') b.provider.ws!.addEventListener('message', (e: MessageEvent) => (biggest = Math.max(biggest, (e.data as ArrayBuffer).byteLength)))
    })
    b.provider.connect()
    await waitFor(() => b.provider.synced, 'b synced')
    expect(b.text()).toBe(a.text())
    expect(biggest).toBeLessThan(1000)
  })
})
