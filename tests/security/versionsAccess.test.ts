/**
 * Who may do what with versions, with AUTH_SECRET set: viewers list and
 * read, editors name and restore (and name an automatic version, which
 * keeps it), owners rename and delete named versions. A token for another
 * document, or none, gets nothing, with the same refusal whether or not the
 * version exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectSynced, appendParagraph, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { call, expectApiError, SECRET, tokenFor } from './helpers.ts'

describe('version routes with access control', () => {
  let srv: TestServer
  let client: TestClient
  const docId = 'versioned-doc'
  let viewer: string
  let editor: string
  let owner: string
  let otherDocOwner: string

  beforeAll(async () => {
    srv = await startServer({ AUTH_SECRET: SECRET })
    viewer = await tokenFor(docId, 'viewer', { name: 'Vi' })
    editor = await tokenFor(docId, 'editor', { name: 'Ed' })
    owner = await tokenFor(docId, 'owner', { name: 'Ow' })
    otherDocOwner = await tokenFor('some-other-doc', 'owner')
    client = await connectSynced(srv.wsUrl, docId, { params: { token: editor } })
    appendParagraph(client.doc, 'Budget: ten thousand.')
    await waitFor(async () => (await call(srv.url, `/api/docs/${docId}`, { token: viewer })).status === 200, 'the document is stored')
  })
  afterAll(async () => {
    client.destroy()
    await srv.close()
  })

  const url = (rest = '') => `/api/docs/${docId}/versions${rest}`

  it('each role gets what it may, and nothing more', async () => {
    // Nobody below editor makes versions.
    expectApiError(await call(srv.url, url(), { token: viewer, body: { name: 'Mine' } }), 403)
    const named = await call(srv.url, url(), { token: editor, body: { name: 'Approved' } })
    expect(named.status).toBe(201)
    const namedId = (named.body as { id: string }).id

    // Viewers read.
    const list = await call(srv.url, url(), { token: viewer })
    expect(list.status).toBe(200)
    expect((list.body as { versions: Array<{ id: string; name: string; authors: string[] }> }).versions).toMatchObject([{ id: namedId, name: 'Approved', authors: ['Ed'] }])
    expect((await call(srv.url, url(`/${namedId}?format=md`), { token: viewer })).status).toBe(200)

    // Only editors restore; the restore's backup is an automatic version.
    expectApiError(await call(srv.url, url(`/${namedId}/restore`), { token: viewer, method: 'POST' }), 403)
    appendParagraph(client.doc, 'A later line.')
    await waitFor(async () => String((await call(srv.url, `/api/docs/${docId}/export?format=md`, { token: viewer })).body).includes('A later line'), 'the line is in')
    const restored = await call(srv.url, url(`/${namedId}/restore`), { token: editor, method: 'POST' })
    expect(restored.status).toBe(200)
    const backupId = (restored.body as { backupVersionId: string }).backupVersionId
    expect(backupId).toBeTruthy()

    // Editors name an automatic version (it is kept from then on) but don't rename a named one, nor delete.
    expectApiError(await call(srv.url, url(`/${backupId}`), { token: viewer, method: 'PATCH', body: { name: 'x' } }), 403)
    expect((await call(srv.url, url(`/${backupId}`), { token: editor, method: 'PATCH', body: { name: 'With the later line' } })).body).toMatchObject({ kind: 'named', name: 'With the later line' })
    expectApiError(await call(srv.url, url(`/${namedId}`), { token: editor, method: 'PATCH', body: { name: 'Changed' } }), 403)
    expectApiError(await call(srv.url, url(`/${namedId}`), { token: editor, method: 'DELETE' }), 403)

    // Owners rename and delete.
    expect((await call(srv.url, url(`/${namedId}`), { token: owner, method: 'PATCH', body: { name: 'Approved by the board' } })).body).toMatchObject({ name: 'Approved by the board' })
    expect((await call(srv.url, url(`/${namedId}`), { token: owner, method: 'DELETE' })).status).toBe(204)
  })

  it('another document’s token, or none, gets the same refusal whether or not the version exists', async () => {
    for (const path of [url(), url('/no-such-version'), url('/no-such-version?format=md')]) {
      expectApiError(await call(srv.url, path), 401)
      expectApiError(await call(srv.url, path, { token: otherDocOwner }), 403)
    }
    expectApiError(await call(srv.url, url('/no-such-version/restore'), { token: otherDocOwner, method: 'POST' }), 403)
    expectApiError(await call(srv.url, url('/no-such-version'), { token: otherDocOwner, method: 'DELETE' }), 403)
  })
})
