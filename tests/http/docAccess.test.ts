/**
 * With AUTH_SECRET: the document routes never tell someone without access
 * whether an id exists, and an edit is credited to the name in the token,
 * not to the name a client publishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintToken } from '../../server/auth/tokens.ts'
import type { Role } from '../../shared/roles.ts'
import { appendParagraph, connectSynced } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { apiClient } from './apiClient.ts'

const SECRET = 'a-test-secret-that-is-long-enough-0123456789'

describe('HTTP API: documents with AUTH_SECRET', () => {
  let srv: TestServer
  const token = async (doc: string, role: Role, name = 'Tess') => (await mintToken(SECRET, { doc, role, name, ttlSeconds: 600 })).token
  beforeAll(async () => {
    srv = await startServer({ AUTH_SECRET: SECRET })
    const owner = apiClient(srv.url, await token('*', 'owner'))
    expect((await owner.post('/api/docs', { id: 'exists-1' })).status).toBe(201)
  })
  afterAll(async () => {
    await srv.close()
  })

  /** Status and body of the same request for an existing and a never-created id. */
  async function bothWays(request: (id: string) => Promise<Response>): Promise<[number, unknown][]> {
    return Promise.all(['exists-1', 'never-made-1'].map(async (id) => {
      const res = await request(id)
      return [res.status, await res.json()] as [number, unknown]
    }))
  }

  it('answers the same 401 without a token and the same 403 with a token for another document', async () => {
    const anonymous = apiClient(srv.url)
    const other = apiClient(srv.url, await token('some-other-doc', 'owner'))
    for (const api of [anonymous, other]) {
      const gets = await bothWays((id) => api(`/api/docs/${id}`))
      expect(gets[0]).toEqual(gets[1])
      expect(gets[0]![0]).toBe(api === anonymous ? 401 : 403)
      const creates = await bothWays((id) => api.post('/api/docs', { id }))
      expect(creates[0]).toEqual(creates[1])
      expect(creates[0]![0]).toBe(api === anonymous ? 401 : 403)
      const exports = await bothWays((id) => api(`/api/docs/${id}/export`))
      expect(exports[0]).toEqual(exports[1])
    }
  })

  it('with access to the id: 200 or 404; an editor token for one document may create exactly that one', async () => {
    expect((await apiClient(srv.url, await token('exists-1', 'viewer'))(`/api/docs/exists-1`)).status).toBe(200)
    const one = apiClient(srv.url, await token('only-this', 'editor'))
    expect((await one('/api/docs/only-this')).status).toBe(404)
    expect((await one.post('/api/docs', { id: 'only-this' })).status).toBe(201)
    expect((await one.post('/api/docs', {})).status).toBe(403)
    expect((await apiClient(srv.url, await token('v-doc', 'viewer')).post('/api/docs', { id: 'v-doc' })).status).toBe(403)
  })

  it("credits an edit to the token's name, whatever the client's awareness says", async () => {
    const t = await token('*', 'editor', 'Grace Hopper')
    const client = await connectSynced(srv.wsUrl, 'exists-1', { params: { token: t } })
    client.provider.awareness.setLocalStateField('user', { name: 'Mallory', color: '#000000' })
    appendParagraph(client.doc, 'Signed work')
    const owner = apiClient(srv.url, t)
    await waitFor(async () => (await owner.list()).find((d) => d.id === 'exists-1')?.lastEditedBy, 'an editor name')
    expect((await owner.list()).find((d) => d.id === 'exists-1')?.lastEditedBy).toBe('Grace Hopper')
    client.destroy()
  })

  it('a search covers only what the token grants', async () => {
    const owner = apiClient(srv.url, await token('*', 'owner'))
    for (const id of ['grant-a', 'grant-b']) {
      expect((await owner.post('/api/docs/import', { format: 'md', text: `# ${id}\n\nmarmalade` })).status).toBe(201)
    }
    expect((await owner.list('?q=marmalade')).length).toBe(2)
    const ids = (await owner.list('?q=marmalade')).map((d) => d.id)
    const narrow = apiClient(srv.url, await token(ids[0]!, 'viewer'))
    expect((await narrow.list('?q=marmalade')).map((d) => d.id)).toEqual([ids[0]])
    expect((await narrow.post('/api/docs/import', { format: 'md', text: 'x' })).status).toBe(403)
  })
})
