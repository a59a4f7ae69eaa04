/**
 * Access control end to end: tokens at the WebSocket upgrade and on every API
 * route, read-only viewers, share links (API and CLI), expiry and revocation
 * of live sockets, origin checks and CORS, and open mode's safe default.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/closeCodes.ts'
import { loadConfig } from '../../server/config.ts'
import { verifyToken } from '../../server/auth/tokens.ts'
import { appendParagraph, connectClient, connectSynced, type TestClient } from '../support/clients.ts'
import { spawnServer, startServer, tempDir, type TestServer } from '../support/servers.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { openStream } from '../support/aiClient.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { aiRequest, call, closeOf, closeSocket, expectApiError, nextClose, openAdmitted, SECRET, seedParagraph, storedBytes, TestStore, tokenFor, userName } from './helpers.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const GOOD_ORIGIN = 'https://good.example'

describe('with AUTH_SECRET set', () => {
  let srv: TestServer
  let store: TestStore
  let upstream: FakeOpenAI
  const clients: TestClient[] = []
  const ws = (docId: string, token?: string) => `${srv.wsUrl}/${docId}${token ? `?token=${token}` : ''}`
  const join = async (docId: string, token: string) => {
    const c = await connectSynced(srv.wsUrl, docId, { params: { token } })
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    store = new TestStore()
    srv = await startServer(
      {
        AUTH_SECRET: SECRET,
        ALLOWED_ORIGINS: GOOD_ORIGIN,
        AI_MODEL: 'fake-model',
        OPENAI_BASE_URL: upstream.url,
        AI_RATE_PER_MINUTE: '100000',
        AI_RATE_BURST: '10000',
        AI_SERVER_RATE_PER_MINUTE: '1000000',
      },
      { store },
    )
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => {
    await srv.close()
    await upstream.close()
  })

  describe('every WebSocket upgrade needs a token', () => {
    it('a socket without a token is closed with 4401', async () => {
      expect((await closeOf(ws('locked'))).code).toBe(CloseCode.Unauthorized)
    })

    it('a socket with an expired token is closed with 4401', async () => {
      expect((await closeOf(ws('locked', await tokenFor('locked', 'editor', { ttlSeconds: -60 })))).code).toBe(CloseCode.Unauthorized)
    })

    it('a socket with a token signed by another secret, or garbage, is closed with 4401', async () => {
      const forged = await tokenFor('locked', 'owner', { secret: 'another-secret-that-is-long-enough-0000' })
      expect((await closeOf(ws('locked', forged))).code).toBe(CloseCode.Unauthorized)
      expect((await closeOf(ws('locked', 'not.a.token'))).code).toBe(CloseCode.Unauthorized)
    })

    it('a socket with a token for another document is closed with 4403', async () => {
      expect((await closeOf(ws('locked', await tokenFor('other-doc', 'owner')))).code).toBe(CloseCode.Forbidden)
    })

    it('a valid editor token syncs, also as a Bearer header', async () => {
      const token = await tokenFor('open-door', 'editor')
      const a = await join('open-door', token)
      const b = await join('open-door', await tokenFor('*', 'editor'))
      appendParagraph(a.doc, 'hello through the door')
      await waitFor(() => b.text() === 'hello through the door', 'b sees the edit')
      const raw = await openAdmitted(ws('open-door'), { authorization: `Bearer ${token}` })
      await closeSocket(raw)
    })

    it('the token is checked at the upgrade, before the document loads', async () => {
      const docId = 'never-loaded'
      const loadsBefore = store.loads
      const refused = [
        await closeOf(ws(docId)),
        await closeOf(ws(docId, await tokenFor(docId, 'editor', { ttlSeconds: -5 }))),
        await closeOf(ws(docId, await tokenFor('somewhere-else', 'owner'))),
        await closeOf(ws(docId, 'garbage-token-value')),
        await closeOf(ws(docId, await tokenFor(docId, 'owner')), { headers: { origin: 'https://evil.example' } }),
      ]
      expect(refused.map((r) => r.code)).toEqual([4401, 4401, 4403, 4401, 4405])
      expect(store.loads).toBe(loadsBefore)
      expect(srv.server.context.registry.get(docId)).toBeUndefined()
      // The control: an accepted upgrade does load it.
      await join(docId, await tokenFor(docId, 'viewer'))
      expect(store.loads).toBe(loadsBefore + 1)
    })
  })

  describe('every API request needs a token', () => {
    const routes: [string, string, object | undefined][] = [
      ['GET', '/api/docs/api-doc/export?format=md', undefined],
      ['DELETE', '/api/docs/api-doc', undefined],
      ['POST', '/api/docs/api-doc/share', { role: 'viewer' }],
      ['POST', '/api/docs/api-doc/ai', { op: 'continue', anchor: { from: 'AAAA' }, requester: { id: 'x', name: 'X' } }],
    ]

    it.each(routes)('%s %s without a token is 401 JSON', async (method, route, body) => {
      expectApiError(await call(srv.url, route, { method, ...(body ? { body } : {}) }), 401, 'unauthorized')
    })

    it.each(routes)('%s %s with a token for another document is 403 JSON', async (method, route, body) => {
      const token = await tokenFor('not-api-doc', 'owner')
      expectApiError(await call(srv.url, route, { method, token, ...(body ? { body } : {}) }), 403, 'forbidden')
    })

    it('listing and creating documents need a token too; a single-document token cannot create', async () => {
      expectApiError(await call(srv.url, '/api/docs'), 401, 'unauthorized')
      expectApiError(await call(srv.url, '/api/docs', { body: {} }), 401, 'unauthorized')
      expectApiError(await call(srv.url, '/api/docs', { body: {}, token: await tokenFor('one-doc', 'owner') }), 403, 'forbidden')
      expect((await call(srv.url, '/api/docs', { body: {}, token: await tokenFor('*', 'editor') })).status).toBe(201)
    })
  })

  it('viewers receive the document and awareness, but their edits reach no one and are never stored', async () => {
    const docId = 'read-only'
    const editor = await join(docId, await tokenFor(docId, 'editor'))
    await seedParagraph(srv, editor, docId, 'written by the editor')
    editor.provider.awareness.setLocalStateField('user', { name: 'Ed' })
    const viewer = await join(docId, await tokenFor(docId, 'viewer'))
    await waitFor(() => viewer.text() === 'written by the editor', 'viewer receives the document')
    const edId = editor.doc.clientID
    await waitFor(() => userName(viewer, edId) === 'Ed', 'viewer sees awareness')
    const storedBefore = await storedBytes(store, docId)

    appendParagraph(viewer.doc, 'written by the viewer')
    viewer.doc.transact(() => viewer.doc.getXmlFragment('default').delete(0, 1))
    // Awareness from the viewer is relayed; it travels on the same socket
    // after the edits, so once the editor sees it the server has handled them.
    viewer.provider.awareness.setLocalStateField('user', { name: 'Vi' })
    const viId = viewer.doc.clientID
    await waitFor(() => userName(editor, viId) === 'Vi', 'editor sees viewer awareness')

    expect(editor.text()).toBe('written by the editor')
    expect(await storedBytes(store, docId)).toBe(storedBefore)
    const late = await join(docId, await tokenFor(docId, 'editor'))
    expect(late.text()).toBe('written by the editor')
    // The viewer was not punished for trying: it stays connected and still receives.
    appendParagraph(editor.doc, 'more from the editor')
    await waitFor(() => viewer.text().includes('more from the editor'), 'viewer still receives')
    expect(viewer.provider.wsconnected).toBe(true)
  })

  describe('AI endpoints', () => {
    let jobId = ''
    const docId = 'ai-doc'
    beforeAll(async () => {
      const editor = await connectSynced(srv.wsUrl, docId, { params: { token: await tokenFor(docId, 'editor') } })
      await seedParagraph(srv, editor, docId, 'Some text.')
      upstream.script({ tokens: ['One', ' two', '.'] })
      const run = await openStream(`${srv.url}/api/docs/${docId}/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(docId, 'editor')}` },
        body: JSON.stringify(aiRequest(editor)),
      })
      expect(run.status).toBe(200)
      await run.ended
      expect(run.events.at(-1)?.type).toBe('done')
      jobId = run.jobId()
      editor.destroy()
    })

    it('a viewer cannot start an AI job (403)', async () => {
      const viewer = await join(docId, await tokenFor(docId, 'viewer'))
      expectApiError(await call(srv.url, `/api/docs/${docId}/ai`, { token: await tokenFor(docId, 'viewer'), body: aiRequest(viewer) }), 403, 'forbidden')
    })

    it.each(['cancel', 'accept', 'discard'])('a viewer cannot %s a job (403), but may follow its events', async (action) => {
      const viewerToken = await tokenFor(docId, 'viewer')
      expectApiError(await call(srv.url, `/api/ai/jobs/${jobId}/${action}`, { method: 'POST', token: viewerToken }), 403, 'forbidden')
      const events = await call(srv.url, `/api/ai/jobs/${jobId}/events`, { token: viewerToken })
      expect(events.status).toBe(200)
      expect(String(events.body)).toContain('event: done')
    })

    it('an editor of another document cannot touch the job (403)', async () => {
      expectApiError(await call(srv.url, `/api/ai/jobs/${jobId}/accept`, { method: 'POST', token: await tokenFor('elsewhere', 'owner') }), 403, 'forbidden')
    })
  })

  describe('share links', () => {
    const docId = 'shared-doc'

    it('only an owner may mint one: an editor gets 403', async () => {
      expectApiError(await call(srv.url, `/api/docs/${docId}/share`, { token: await tokenFor(docId, 'editor'), body: { role: 'viewer' } }), 403, 'forbidden')
    })

    it("an owner gets 201 with a ?token= link that opens the document with the link's role", async () => {
      const owner = await tokenFor(docId, 'owner')
      const share = async (role: string) => {
        const reply = await call(srv.url, `/api/docs/${docId}/share`, { token: owner, body: { role, expires: '2h', name: 'Grace' } })
        expect(reply.status).toBe(201)
        const body = reply.body as { url: string; token: string; role: string; expiresAt: string }
        expect(body.url).toContain(`/d/${docId}?token=`)
        const token = new URL(body.url).searchParams.get('token')!
        expect(token).toBe(body.token)
        const verified = await verifyToken(SECRET, token)
        expect(verified.ok && verified.grant).toMatchObject({ doc: docId, role, name: 'Grace' })
        expect(Math.abs(Date.parse(body.expiresAt) - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000)
        return token
      }
      const editor = await join(docId, await share('editor'))
      const viewer = await join(docId, await share('viewer'))
      appendParagraph(editor.doc, 'via an editor link')
      await waitFor(() => viewer.text() === 'via an editor link', 'viewer link receives')
      const room = srv.server.context.registry.get(docId)!
      expect([...room.connections].map((c) => c.readOnly).sort()).toEqual([false, true])
    })

    it('npm run share prints a link whose token verifies with the right document, role and expiry', async () => {
      const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.share
      // npm runs the compiled CLI; this runs its source, so it needs no build
      // (tests/ops/productionBuild.test.ts runs the compiled one).
      expect(script).toBe('node dist/server/cli/share.js')
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli/share.ts', 'cli-doc', '--role', 'editor', '--expires', '7d'], {
        cwd: ROOT,
        env: { ...process.env, AUTH_SECRET: SECRET, PUBLIC_URL: 'https://docs.example.com' },
      })
      const link = new URL(stdout.trim())
      expect(link.origin + link.pathname).toBe('https://docs.example.com/d/cli-doc')
      const verified = await verifyToken(SECRET, link.searchParams.get('token')!)
      if (!verified.ok) throw new Error(`token did not verify: ${verified.reason}`)
      expect(verified.grant).toMatchObject({ doc: 'cli-doc', role: 'editor' })
      expect(Math.abs(verified.grant.exp - (Date.now() / 1000 + 7 * 86400))).toBeLessThan(60)
      expect(stderr).toContain('editor access to cli-doc')
      // And the link works on this server.
      await join('cli-doc', link.searchParams.get('token')!)
    })
  })

  describe('tokens that stop working close live sockets', () => {
    it('a token that expires closes its live socket with 4401, and is refused afterwards', async () => {
      const token = await tokenFor('expiring', 'editor', { ttlSeconds: 3 })
      const c = await join('expiring', token)
      const started = Date.now()
      expect(await nextClose(c)).toBe(CloseCode.Unauthorized)
      expect(Date.now() - started).toBeLessThan(4000)
      expect((await closeOf(ws('expiring', token))).code).toBe(CloseCode.Unauthorized)
    })

    it('a revoked token closes every live socket opened with it (4401) and is refused afterwards', async () => {
      const docId = 'revoking'
      const token = await tokenFor(docId, 'editor')
      const tabs = [await join(docId, token), await join(docId, token)]
      const bystander = await join(docId, await tokenFor(docId, 'editor'))
      const closes = tabs.map(nextClose)
      // An editor may not revoke; an owner of the document may.
      expectApiError(await call(srv.url, '/api/tokens/revoke', { token: await tokenFor(docId, 'editor'), body: { token } }), 403, 'forbidden')
      const reply = await call(srv.url, '/api/tokens/revoke', { token: await tokenFor(docId, 'owner'), body: { token } })
      expect(reply.status).toBe(200)
      expect(reply.body).toEqual({ revoked: true, closedConnections: 2 })
      expect(await Promise.all(closes)).toEqual([4401, 4401])
      expect((await closeOf(ws(docId, token))).code).toBe(CloseCode.Unauthorized)
      expectApiError(await call(srv.url, `/api/docs/${docId}/export`, { token }), 401, 'unauthorized')
      await sleep(100)
      expect(bystander.provider.wsconnected).toBe(true)
    })
  })

  describe('origins', () => {
    it('a WebSocket from a foreign Origin is closed with 4405', async () => {
      const token = await tokenFor('origin-doc', 'editor')
      expect((await closeOf(ws('origin-doc', token), { headers: { origin: 'https://evil.example' } })).code).toBe(CloseCode.OriginNotAllowed)
    })

    it('a WebSocket from an allowed or the same origin is admitted', async () => {
      const token = await tokenFor('origin-doc', 'editor')
      for (const origin of [GOOD_ORIGIN, `http://127.0.0.1:${srv.port}`]) await closeSocket(await openAdmitted(ws('origin-doc', token), { origin }))
    })

    it('the API answers an allowed origin with CORS headers', async () => {
      const token = await tokenFor('*', 'viewer')
      const ok = await call(srv.url, '/api/docs', { token, headers: { origin: GOOD_ORIGIN } })
      expect(ok.status).toBe(200)
      expect(ok.headers.get('access-control-allow-origin')).toBe(GOOD_ORIGIN)
      const preflight = await fetch(`${srv.url}/api/docs`, { method: 'OPTIONS', headers: { origin: GOOD_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } })
      expect(preflight.status).toBeLessThan(300)
      expect(preflight.headers.get('access-control-allow-origin')).toBe(GOOD_ORIGIN)
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    })

    it('the API gives a foreign origin no CORS headers and refuses its requests with 403 JSON', async () => {
      const token = await tokenFor('*', 'editor')
      const evil = { origin: 'https://evil.example' }
      const preflight = await fetch(`${srv.url}/api/docs`, { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST' } })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      const listBefore = (await call(srv.url, '/api/docs', { token })).body as { docs: unknown[] }
      for (const [method, route] of [['GET', '/api/docs'], ['POST', '/api/docs'], ['DELETE', '/api/docs/open-door']] as const) {
        const reply = await call(srv.url, route, { method, token, headers: evil, ...(method === 'POST' ? { body: {} } : {}) })
        expectApiError(reply, 403, 'forbidden')
        expect(reply.headers.get('access-control-allow-origin')).toBeNull()
      }
      const listAfter = (await call(srv.url, '/api/docs', { token })).body as { docs: unknown[] }
      expect(listAfter.docs.length).toBe(listBefore.docs.length)
    })
  })
})

describe('open mode (no AUTH_SECRET)', () => {
  it('listens on 127.0.0.1 unless HOST is set', () => {
    const config = loadConfig({})
    expect(config.authSecret).toBeNull()
    expect(config.host).toBe('127.0.0.1')
    expect(config.hostExplicit).toBe(false)
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0')
  })

  it('the server prints an OPEN MODE warning, and none once AUTH_SECRET is set', async () => {
    const open = await spawnServer({ HOST: '', DATA_DIR: tempDir() })
    const secured = await spawnServer({ AUTH_SECRET: SECRET, DATA_DIR: tempDir() })
    try {
      expect(new URL(open.url).hostname).toBe('127.0.0.1')
      // The warning goes to stderr, READY to stdout: they may arrive in either order.
      await waitFor(() => /OPEN MODE.*127\.0\.0\.1 only/.test(open.output()), 'the OPEN MODE warning', 5000)
      expect(secured.output()).not.toContain('OPEN MODE')
    } finally {
      for (const s of [open, secured]) s.child.kill('SIGTERM')
      await Promise.all([open.exited, secured.exited])
    }
  })

  it('still refuses WebSockets from a foreign Origin (cross-site WebSocket hijacking)', async () => {
    const srv = await startServer()
    try {
      expect((await closeOf(`${srv.wsUrl}/anything`, { headers: { origin: 'https://evil.example' } })).code).toBe(CloseCode.OriginNotAllowed)
      const c = connectClient(srv.wsUrl, 'anything')
      await waitFor(() => c.provider.synced, 'a same-machine client syncs')
      c.destroy()
    } finally {
      await srv.close()
    }
  })
})
