/**
 * Version history over HTTP against a real server: name a version, read it
 * in each format, restore it while a second person is connected (who sees
 * the result live), undo the restore through its before-restore version,
 * and the errors: unknown ids, bad bodies, deleting an automatic version.
 */
import http from 'node:http'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RestoreResponse, VersionListResponse } from '../../shared/apiTypes.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { apiClient, type Api } from './apiClient.ts'

/** A GET whose body is left as sent (fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

describe('HTTP API: versions', () => {
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

  const versions = async (id: string) => ((await (await api(`/api/docs/${id}/versions`)).json()) as VersionListResponse).versions
  const patch = (path: string, body: unknown) => api(path, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('names a version, reads it as JSON, Markdown and HTML, and restores it live for a second person; the restore is itself restorable', async () => {
    const { id } = (await (await api.post('/api/docs', {})).json()) as { id: string }
    const ada = await connectSynced(srv.wsUrl, id)
    const bo = await connectSynced(srv.wsUrl, id)
    clients.push(ada, bo)
    appendParagraph(ada.doc, 'Plan for March')
    appendParagraph(ada.doc, 'Sales were flat.')
    await waitFor(() => bo.text() === 'Plan for March\nSales were flat.', 'bo has the text')

    const named = await api.post(`/api/docs/${id}/versions`, { name: 'Sent to the client' })
    expect(named.status).toBe(201)
    const { id: versionId } = (await named.json()) as { id: string }
    expect(await versions(id)).toMatchObject([{ id: versionId, kind: 'named', name: 'Sent to the client', authors: ['anonymous'] }])

    const json = (await (await api(`/api/docs/${id}/versions/${versionId}`)).json()) as { doc: { content: unknown[] } }
    expect(json.doc.content).toHaveLength(2)
    // A long version travels gzip'd to a client that accepts it.
    for (let i = 0; i < 40; i++) appendParagraph(ada.doc, `Line ${i} of a longer document, so that compressing it pays.`)
    await waitFor(() => bo.text().includes('Line 39'), 'bo has the long text')
    const { id: longId } = (await (await api.post(`/api/docs/${id}/versions`, { name: 'Long' })).json()) as { id: string }
    const raw = await rawGet(`${srv.url}/api/docs/${id}/versions/${longId}`, { 'accept-encoding': 'gzip' })
    expect(raw.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(zlib.gunzipSync(raw.body).toString('utf8')).doc.content).toHaveLength(42)
    await api(`/api/docs/${id}/versions/${longId}`, { method: 'DELETE' })
    ada.doc.transact(() => {
      const fragment = ada.doc.getXmlFragment('default')
      fragment.delete(2, fragment.length - 2)
    })
    await waitFor(() => bo.text() === 'Plan for March\nSales were flat.', 'the long text is gone')
    expect(await (await api(`/api/docs/${id}/versions/${versionId}?format=md`)).text()).toBe('Plan for March\n\nSales were flat.\n')
    expect(await (await api(`/api/docs/${id}/versions/${versionId}?format=html`)).text()).toContain('<p>Sales were flat.</p>')

    appendParagraph(bo.doc, 'A line Bo added later.')
    await waitFor(() => ada.text().endsWith('A line Bo added later.'), 'ada has the new line')
    const restored = await api.post(`/api/docs/${id}/versions/${versionId}/restore`, {})
    expect(restored.status).toBe(200)
    const result = (await restored.json()) as RestoreResponse
    expect(result.restoredFrom).toBe(versionId)
    // Both people see the version's content, live.
    await waitFor(() => ada.text() === 'Plan for March\nSales were flat.' && bo.text() === ada.text(), 'restored for both')
    expect((await versions(id)).find((v) => v.id === result.backupVersionId)).toMatchObject({ kind: 'before-restore' })

    // Restoring the before-restore version brings back what the restore replaced.
    expect((await api.post(`/api/docs/${id}/versions/${result.backupVersionId}/restore`, {})).status).toBe(200)
    await waitFor(() => bo.text() === 'Plan for March\nSales were flat.\nA line Bo added later.' && ada.text() === bo.text(), 'restore undone for both')
  })

  it('names any version, deletes named versions only, and answers unknown ids and bad bodies with JSON errors', async () => {
    const { id } = (await (await api.post('/api/docs', {})).json()) as { id: string }
    const c = await connectSynced(srv.wsUrl, id)
    clients.push(c)
    appendParagraph(c.doc, 'Text')
    const { id: v } = (await (await api.post(`/api/docs/${id}/versions`, { name: 'First' })).json()) as { id: string }
    expect(await (await patch(`/api/docs/${id}/versions/${v}`, { name: 'Renamed' })).json()).toMatchObject({ id: v, name: 'Renamed' })
    appendParagraph(c.doc, 'More')
    await waitFor(() => c.text() === 'Text\nMore', 'typed')
    const restored = (await (await api.post(`/api/docs/${id}/versions/${v}/restore`, {})).json()) as RestoreResponse
    const auto = restored.backupVersionId!
    expect((await api(`/api/docs/${id}/versions/${auto}`, { method: 'DELETE' })).status).toBe(409)
    expect((await api(`/api/docs/${id}/versions/${v}`, { method: 'DELETE' })).status).toBe(204)
    expect((await versions(id)).map((x) => x.id)).toEqual([auto])
    // Naming the automatic one keeps it: it is a named version now, and can be deleted.
    expect(await (await patch(`/api/docs/${id}/versions/${auto}`, { name: 'Before the restore' })).json()).toMatchObject({ id: auto, kind: 'named', name: 'Before the restore' })
    expect((await api(`/api/docs/${id}/versions/${auto}`, { method: 'DELETE' })).status).toBe(204)
    expect((await patch(`/api/docs/${id}/versions/${auto}`, { name: 'x' })).status).toBe(404)

    const bad = await api.post(`/api/docs/${id}/versions`, { name: '' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request' } })
    expect((await api(`/api/docs/${id}/versions/nope`)).status).toBe(404)
    expect((await api.post(`/api/docs/${id}/versions/nope/restore`, {})).status).toBe(404)
    expect((await api(`/api/docs/${id}/versions/${auto}?format=pdf`)).status).toBe(400)
    expect((await api('/api/docs/neverCreated123/versions')).status).toBe(404)
  })
})
