import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/closeCodes.ts'
import type { DocListResponse, HealthResponse } from '../../shared/apiTypes.ts'
import { connectSynced } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import * as Y from 'yjs'

function writeRichContent(doc: Y.Doc): void {
  const frag = doc.getXmlFragment('default')
  const h = new Y.XmlElement('heading')
  h.setAttribute('level', 1 as unknown as string)
  h.insert(0, [new Y.XmlText('Trip <plan>')])
  const p = new Y.XmlElement('paragraph')
  const t = new Y.XmlText()
  p.insert(0, [t])
  t.insert(0, 'Pack ')
  t.insert(5, 'boots', { bold: {} })
  t.insert(10, ' & a map', {})
  const list = new Y.XmlElement('bulletList')
  const li = new Y.XmlElement('listItem')
  const lp = new Y.XmlElement('paragraph')
  lp.insert(0, [new Y.XmlText('tent')])
  li.insert(0, [lp])
  list.insert(0, [li])
  frag.insert(0, [h, p, list])
}

describe('HTTP API: documents', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startServer()
  })
  afterAll(async () => {
    await srv.close()
  })
  const api = (path: string, init?: RequestInit) => fetch(`${srv.url}${path}`, init)

  it('GET /api/health reports ok with storage and AI state', async () => {
    const res = await api('/api/health')
    expect(res.status).toBe(200)
    const body = (await res.json()) as HealthResponse
    expect(body.status).toBe('ok')
    expect(body.storage.ok).toBe(true)
    expect(body.ai.configured).toBe(false)
  })

  it('creates a document, lists it with its title, exports it in three formats, and deletes it', async () => {
    const created = await api('/api/docs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,128}$/)

    const client = await connectSynced(srv.wsUrl, id)
    writeRichContent(client.doc)
    await waitFor(async () => {
      const list = (await (await api('/api/docs')).json()) as DocListResponse
      return list.docs.find((d) => d.id === id)?.title === 'Trip <plan>'
    }, 'title in list')

    const md = await api(`/api/docs/${id}/export?format=md`)
    expect(md.headers.get('content-type')).toContain('text/markdown')
    expect(md.headers.get('content-disposition')).toContain('attachment')
    expect(await md.text()).toBe('# Trip \\<plan\\>\n\nPack **boots** & a map\n\n- tent\n')

    const html = await (await api(`/api/docs/${id}/export?format=html`)).text()
    expect(html).toContain('<h1>Trip &#60;plan&#62;</h1>')
    expect(html).toContain('<p>Pack <strong>boots</strong> &#38; a map</p>')
    expect(html).toContain('<ul><li><p>tent</p></li></ul>')

    const json = (await (await api(`/api/docs/${id}/export?format=json`)).json()) as { type: string; content: { type: string }[] }
    expect(json.type).toBe('doc')
    expect(json.content.map((n) => n.type)).toEqual(['heading', 'paragraph', 'bulletList'])

    const closed = new Promise<number>((resolve) => client.provider.on('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? 0)))
    const del = await api(`/api/docs/${id}`, { method: 'DELETE' })
    expect(del.status).toBe(204)
    expect(await closed).toBe(CloseCode.DocumentDeleted)
    client.destroy()
    const list = (await (await api('/api/docs')).json()) as DocListResponse
    expect(list.docs.map((d) => d.id)).not.toContain(id)
    expect((await api(`/api/docs/${id}/export?format=md`)).status).toBe(404)
    expect((await api(`/api/docs/${id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it.each([
    ['GET', '/api/docs/bad..id/export'],
    ['DELETE', '/api/docs/bad%20id'],
    ['GET', `/api/docs/${'x'.repeat(200)}/export`],
  ])('%s %s answers 400 invalid_doc_id', async (method, path) => {
    const res = await api(path, { method })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_doc_id')
  })

  it('answers 400 with a JSON error for a bad export format and bad bodies', async () => {
    const fmt = await api('/api/docs/abc/export?format=pdf')
    expect(fmt.status).toBe(400)
    expect(await fmt.json()).toMatchObject({ error: { code: 'bad_request' } })
    const notJson = await api('/api/docs', { method: 'POST', body: '{nope' })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { code: 'bad_request', message: 'request body is not valid JSON' } })
    const wrongShape = await api('/api/docs', { method: 'POST', body: '{"title": 5}' })
    expect(wrongShape.status).toBe(400)
  })

  it('serves the app for deep links like /d/<id> (SPA fallback)', async () => {
    const res = await api('/d/some-doc')
    // npm test builds the client first.
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<div id="root"')
  })
  it('answers 413 for a huge body and 404 JSON for unknown API routes', async () => {
    const huge = await api('/api/docs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(2_000_000) }) })
    expect(huge.status).toBe(413)
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    const missing = await api('/api/nothing-here')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
  })

})
