/**
 * Finding documents over HTTP: search by words of the body, the list's
 * orders and "edited by", unknown and deleted ids, creating a chosen id, and
 * that a plain y-websocket client still creates a document by writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { apiClient, type Api } from './apiClient.ts'
import type { DocListResponse } from '../../shared/apiTypes.ts'

describe('HTTP API: finding documents', () => {
  let srv: TestServer
  let api: Api
  const clients: TestClient[] = []
  beforeAll(async () => {
    srv = await startServer()
    api = apiClient(srv.url)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await srv.close()
  })

  /** A new document written by a client whose awareness calls it `name`. */
  async function written(paragraphs: string[], name?: string): Promise<{ id: string; client: TestClient }> {
    const { id } = (await (await api.post('/api/docs', {})).json()) as { id: string }
    const client = await connectSynced(srv.wsUrl, id)
    clients.push(client)
    if (name) client.provider.awareness.setLocalStateField('user', { name, color: '#123456' })
    for (const p of paragraphs) appendParagraph(client.doc, p)
    return { id, client }
  }

  it('finds a document by a word of its body, with a snippet, and refuses a too-long query', async () => {
    const { id } = await written(['Weekly notes', 'We discussed the zeppelinfund and its budget'])
    const hits = await waitFor(async () => {
      const docs = await api.list('?q=zeppelin')
      return docs.length > 0 ? docs : null
    }, 'search hit')
    expect(hits.map((d) => d.id)).toEqual([id])
    expect(hits[0]).toMatchObject({ title: 'Weekly notes' })
    expect(hits[0]!.snippet).toContain('zeppelinfund')
    expect(await api.list('?q=ZEPP%20budg')).toHaveLength(1)
    expect(await api.list('?q=zeppelin%20nowhere')).toEqual([])
    for (const q of ['"', 'AND(', '*', "'", 'NEAR(x']) {
      const res = await api(`/api/docs?q=${encodeURIComponent(q)}`)
      expect(res.status, q).toBe(200)
    }
    const long = await api(`/api/docs?q=${'a'.repeat(201)}`)
    expect(long.status).toBe(400)
    expect(await long.json()).toMatchObject({ error: { code: 'bad_request' } })
  })

  it('lists newest change first by default, by title or creation when asked, with who changed each last', async () => {
    const first = await written(['Banana plan'], 'Ada')
    const second = await written(['apple plan'], 'Grace')
    await waitFor(async () => (await api.list()).find((d) => d.id === second.id)?.lastEditedBy === 'Grace', 'Grace as last editor')
    appendParagraph(first.client.doc, 'more')
    await waitFor(async () => (await api.list())[0]?.id === first.id, 'first is newest after its edit')
    const listed = await api.list()
    expect(listed.find((d) => d.id === first.id)).toMatchObject({ lastEditedBy: 'Ada', title: 'Banana plan' })
    expect(Date.parse(listed[0]!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(listed[1]!.updatedAt))
    const byTitle = (await api.list('?sort=title')).map((d) => d.title)
    expect(byTitle.indexOf('apple plan')).toBeLessThan(byTitle.indexOf('Banana plan'))
    const created = (await api.list('?sort=created')).map((d) => d.id)
    expect(created.indexOf(second.id)).toBeLessThan(created.indexOf(first.id))
    expect((await api('/api/docs?sort=size')).status).toBe(400)
  })

  it('answers a single document, 404 for an id never created, 410 once deleted, 400 for an invalid id', async () => {
    const { id } = (await (await api.post('/api/docs', {})).json()) as { id: string }
    const one = await api(`/api/docs/${id}`)
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ id, title: 'Untitled', lastEditedBy: null })
    const never = await api('/api/docs/never-created-xyz')
    expect(never.status).toBe(404)
    expect(await never.json()).toMatchObject({ error: { code: 'not_found' } })
    expect((await api(`/api/docs/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await api(`/api/docs/${id}`)).status).toBe(410)
    expect((await api('/api/docs/bad%20id')).status).toBe(400)
  })

  it('creates a document under a chosen id once; 409 if it exists or was deleted; 400 for an invalid id', async () => {
    const before = (await api.list()).length
    const made = await api.post('/api/docs', { id: 'Typo-link_1' })
    expect(made.status).toBe(201)
    expect(await made.json()).toEqual({ id: 'Typo-link_1' })
    expect((await api.list()).length).toBe(before + 1)
    const again = await api.post('/api/docs', { id: 'Typo-link_1' })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'conflict' } })
    await api('/api/docs/Typo-link_1', { method: 'DELETE' })
    expect((await api.post('/api/docs', { id: 'Typo-link_1' })).status).toBe(409)
    const bad = await api.post('/api/docs', { id: 'no/slashes' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request' } })
    expect((await api.post('/api/docs', { id: 'x', title: 'extra' })).status).toBe(400)
  })

  it('a search lists the 50 most recently changed matches, and says when more match', async () => {
    for (let i = 0; i < 51; i++) {
      expect((await api.post('/api/docs/import', { format: 'md', text: `# Many ${i}\n\nplentiful` })).status).toBe(201)
    }
    const all = (await (await api('/api/docs?q=plentiful')).json()) as DocListResponse
    expect(all.docs).toHaveLength(50)
    expect(all.truncated).toBe(true)
    const some = (await (await api('/api/docs?q=plentiful%20many%2050')).json()) as DocListResponse
    expect(some.docs.map((d) => d.title)).toEqual(['Many 50'])
    expect(some.truncated).toBeUndefined()
  })

  it('a plain y-websocket client writing to a new id still creates that document', async () => {
    expect((await api('/api/docs/ws-made-doc')).status).toBe(404)
    const client = await connectSynced(srv.wsUrl, 'ws-made-doc')
    clients.push(client)
    appendParagraph(client.doc, 'Made over the socket')
    await waitFor(async () => (await api('/api/docs/ws-made-doc')).status === 200, 'record created by the first write')
    await waitFor(async () => (await api.list()).find((d) => d.id === 'ws-made-doc')?.title === 'Made over the socket', 'listed with its title')
  })
})
