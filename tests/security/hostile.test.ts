/**
 * Hostile input. Each gets a clear refusal, and none crashes the server,
 * disturbs other connections or changes a stored document: malformed
 * y-protocol frames (property-based), spoofed awareness, bad document ids,
 * bad request bodies, and bogus SSE resume points.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { CloseCode } from '../../shared/closeCodes.ts'
import { decodeMessage } from '../../server/collab/messages.ts'
import { allSame, appendParagraph, connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { spawnServer, startServer, tempDir, type TestServer } from '../support/servers.ts'
import { startFakeOpenAI, tokenize, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { openStream, type SseRun } from '../support/aiClient.ts'
import { waitFor } from '../support/wait.ts'
import { aiRequest, call, closeOf, closeSocket, expectApiError, openAdmitted, SECRET, seedParagraph, storedBytes, TestStore, tokenFor, userName, type ApiReply } from './helpers.ts'

const MAX_MESSAGE_BYTES = 4096

function frame(...parts: (number | Uint8Array)[]): Uint8Array {
  const e = encoding.createEncoder()
  for (const p of parts) {
    if (typeof p === 'number') encoding.writeVarUint(e, p)
    else encoding.writeVarUint8Array(e, p)
  }
  return encoding.toUint8Array(e)
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]))
}

const varUint = (n: number) => frame(n)

function decodesAsMessage(bytes: Uint8Array): boolean {
  try {
    decodeMessage(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * Whether `bytes` is a sync frame whose payload Yjs itself can decode (judged
 * by Yjs and lib0, not by the server's decoder).
 */
function wellFormedSync(bytes: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(bytes)
    if (decoding.readVarUint(d) !== 0) return false
    const step = decoding.readVarUint(d)
    const payload = decoding.readVarUint8Array(d)
    if (decoding.hasContent(d) || step > 2) return false
    if (step === 0) Y.decodeStateVector(payload)
    else Y.decodeUpdate(payload)
    return true
  } catch {
    return false
  }
}

interface AwarenessEntry {
  clientId: number
  clock: number
  state: unknown
}

/** An awareness frame speaking for whichever client ids it likes. */
function awarenessFrame(entries: AwarenessEntry[]): Uint8Array {
  const u = encoding.createEncoder()
  encoding.writeVarUint(u, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(u, clientId)
    encoding.writeVarUint(u, clock)
    encoding.writeVarString(u, JSON.stringify(state))
  }
  return frame(1, encoding.toUint8Array(u))
}

describe('hostile WebSocket input', () => {
  let srv: TestServer
  const store = new TestStore()
  const clients: TestClient[] = []
  beforeAll(async () => {
    srv = await startServer({ MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }, { store })
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => srv.close())

  it('random, truncated and oversized y-protocol frames each close only their own socket (4400, or 1009 when oversized); bystanders keep syncing and storage is byte-identical', async () => {
    const docId = 'under-fire'
    const [a, b] = [await connectSynced(srv.wsUrl, docId), await connectSynced(srv.wsUrl, docId)]
    clients.push(a, b)
    await seedParagraph(srv, a, docId, 'precious content')
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    await waitFor(() => b.text() === 'precious content' && userName(b, a.doc.clientID) === 'Ada', 'bystanders synced')
    const bystanderCloses: number[] = []
    for (const c of [a, b]) c.provider.on('connection-close', (e: CloseEvent | null) => bystanderCloses.push(e?.code ?? 0))
    const stored = await storedBytes(store, docId)
    const room = srv.server.context.registry.get(docId)!
    const roomState = Y.encodeStateAsUpdate(room.doc)

    // Real updates against this document (a new paragraph each), to truncate.
    const scratch = new Y.Doc()
    Y.applyUpdate(scratch, roomState)
    const realUpdates: Uint8Array[] = []
    scratch.on('update', (u: Uint8Array) => realUpdates.push(u))
    for (const text of ['one more line', 'x'.repeat(300), 'ünïcödé ✓']) appendParagraph(scratch, text)
    scratch.transact(() => scratch.getXmlFragment('default').delete(0, 1))
    const validFrames = [...realUpdates.map((u) => frame(0, 2, u)), frame(0, 0, Y.encodeStateVector(scratch)), awarenessFrame([{ clientId: 77, clock: 1, state: { user: { name: 'x' } } }])]

    const malformed = fc.oneof(
      // Arbitrary bytes that do not even frame as a message.
      fc.uint8Array({ maxLength: 300 }).filter((bytes) => !decodesAsMessage(bytes)),
      // Unknown message types (2 is the server-only auth message) and sync steps.
      fc.tuple(fc.oneof(fc.constant(2), fc.integer({ min: 4, max: 2 ** 31 })), fc.uint8Array({ maxLength: 64 })).map(([t, rest]) => concat(varUint(t), rest)),
      fc.tuple(fc.integer({ min: 3, max: 2 ** 31 }), fc.uint8Array({ maxLength: 64 })).map(([step, rest]) => concat(varUint(0), varUint(step), rest)),
      // Valid frames cut short.
      fc.tuple(fc.constantFrom(...validFrames), fc.nat()).map(([f, n]) => f.slice(0, n % f.length)),
      // Well-framed sync messages whose Yjs update is truncated or garbage,
      // and state vectors that are garbage.
      fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(...realUpdates), fc.nat()).map(([step, u, n]) => frame(0, step, u.slice(0, n % u.length))),
      fc.tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ minLength: 1, maxLength: 200 })).map(([step, u]) => frame(0, step, u)),
    )
    await fc.assert(
      fc.asyncProperty(malformed, async (bytes) => {
        // Keep to frames whose payload Yjs itself cannot decode.
        fc.pre(!wellFormedSync(bytes))
        expect((await closeOf(`${srv.wsUrl}/${docId}`, { frames: [bytes] })).code).toBe(CloseCode.ProtocolError)
      }),
      { seed: 4242, numRuns: 150 },
    )
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: MAX_MESSAGE_BYTES + 1, maxLength: 3 * MAX_MESSAGE_BYTES }), async (bytes) => {
        expect((await closeOf(`${srv.wsUrl}/${docId}`, { frames: [bytes] })).code).toBe(CloseCode.MessageTooBig)
      }),
      { seed: 4243, numRuns: 15 },
    )

    expect(await storedBytes(store, docId)).toBe(stored)
    expect(Buffer.from(Y.encodeStateAsUpdate(room.doc)).equals(Buffer.from(roomState))).toBe(true)
    expect(bystanderCloses).toEqual([])
    expect(fragmentText(room.fragment)).toBe('precious content')
    appendParagraph(b.doc, 'still talking')
    await waitFor(() => allSame([a, b]) && a.text() === 'precious content\nstill talking', 'bystanders keep syncing')
    const health = await fetch(`${srv.url}/api/health`)
    expect(health.status).toBe(200)
  })

  it('a garbage state vector or a half-valid update closes its socket with 4400 and the server process stays up', async () => {
    const child = await spawnServer({ DATA_DIR: tempDir() })
    try {
      const [a, b] = [await connectSynced(child.wsUrl, 'victim'), await connectSynced(child.wsUrl, 'victim')]
      clients.push(a, b)
      appendParagraph(a.doc, 'safe')
      await waitFor(() => b.text() === 'safe', 'seeded')
      // Structs intact, delete set cut off: Yjs would integrate the structs
      // before noticing.
      const scratch = new Y.Doc()
      appendParagraph(scratch, 'sneaky')
      const cut = Y.encodeStateAsUpdate(scratch).slice(0, -1)
      for (const bytes of [frame(0, 0, Uint8Array.from([5])), frame(0, 0, Uint8Array.from([1, 200])), frame(0, 1, cut), frame(0, 2, cut)]) {
        expect((await closeOf(`${child.wsUrl}/victim`, { frames: [bytes] })).code).toBe(CloseCode.ProtocolError)
      }
      expect((await fetch(`${child.url}/api/health`)).status).toBe(200)
      expect(child.child.exitCode).toBeNull()
      const fresh = await connectSynced(child.wsUrl, 'victim')
      clients.push(fresh)
      expect(fresh.text()).toBe('safe')
      expect(a.provider.wsconnected && b.text() === 'safe').toBe(true)
    } finally {
      child.child.kill('SIGTERM')
      await child.exited
    }
  })

  it("awareness updates for client ids a connection does not own are refused: peers never see them and the owner's state is untouched", async () => {
    const docId = 'masquerade'
    const owner = await connectSynced(srv.wsUrl, docId)
    const peer = await connectSynced(srv.wsUrl, docId)
    clients.push(owner, peer)
    owner.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    const ownerId = owner.doc.clientID
    await waitFor(() => userName(peer, ownerId) === 'Ada', 'peer sees Ada')
    const room = srv.server.context.registry.get(docId)!
    const ownerClock = room.awareness.meta.get(ownerId)!.clock

    const attacker = await openAdmitted(`${srv.wsUrl}/${docId}`)
    const attackerCloses: number[] = []
    attacker.on('close', (code) => attackerCloses.push(code))
    attacker.send(awarenessFrame([{ clientId: ownerId, clock: ownerClock + 1000, state: { user: { name: 'Mallory' } } }]))
    attacker.send(awarenessFrame([{ clientId: ownerId, clock: ownerClock + 1001, state: null }]))
    // One foreign id spoils the whole update, its own entries included.
    attacker.send(awarenessFrame([{ clientId: 31337, clock: 1, state: { user: { name: 'Accomplice' } } }, { clientId: ownerId, clock: ownerClock + 1002, state: { user: { name: 'Mallory' } } }]))
    // Its own id is fine; frames are handled in order, so this is a barrier.
    attacker.send(awarenessFrame([{ clientId: 424242, clock: 1, state: { user: { name: 'Eve' } } }]))
    await waitFor(() => userName(peer, 424242) === 'Eve', "peer sees the attacker's own state")

    expect(userName(peer, ownerId)).toBe('Ada')
    expect(peer.provider.awareness.getStates().has(31337)).toBe(false)
    expect((room.awareness.getStates().get(ownerId) as { user: { name: string } }).user.name).toBe('Ada')
    expect(room.awareness.meta.get(ownerId)!.clock).toBe(ownerClock)
    // The owner carries on as before: its next, lower clock is still accepted.
    owner.provider.awareness.setLocalStateField('user', { name: 'Ada again' })
    await waitFor(() => userName(peer, ownerId) === 'Ada again', "owner's next update arrives")
    // Closing the attacker removes exactly its own state.
    await closeSocket(attacker)
    await waitFor(() => !peer.provider.awareness.getStates().has(424242), "attacker's state removed")
    expect(userName(peer, ownerId)).toBe('Ada again')
    expect(attackerCloses).toEqual([1005])
  })

  it.each([
    ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['an encoded NUL', 'a%00b'],
    ['unicode', encodeURIComponent('dōc-✓')],
    ['a huge id', 'h'.repeat(5000)],
  ])('a WebSocket for a document id with %s is closed with 4404', async (_name, id) => {
    expect((await closeOf(`${srv.wsUrl}/${id}`)).code).toBe(CloseCode.InvalidDocId)
  })
})

describe('hostile HTTP input', () => {
  let srv: TestServer
  let upstream: FakeOpenAI
  let owner: string
  let client: TestClient
  const docId = 'http-target'
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    srv = await startServer({
      AUTH_SECRET: SECRET,
      AI_MODEL: 'fake-model',
      OPENAI_BASE_URL: upstream.url,
      MAX_BODY_BYTES: '4096',
      AI_RATE_PER_MINUTE: '100000',
      AI_RATE_BURST: '10000',
      AI_SERVER_RATE_PER_MINUTE: '1000000',
    })
    owner = await tokenFor('*', 'owner')
    client = await connectSynced(srv.wsUrl, docId, { params: { token: owner } })
    await seedParagraph(srv, client, docId, 'Target text.')
  })
  afterAll(async () => {
    client.destroy()
    await srv.close()
    await upstream.close()
  })

  /** Start a job whose upstream pauses after `pauseAfter` tokens; returns the stream. */
  async function pausedJob(tokens: string[], pauseAfter: number): Promise<SseRun> {
    upstream.script({ tokens, pauseAfter })
    const run = await openStream(`${srv.url}/api/docs/${docId}/ai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      body: JSON.stringify(aiRequest(client, `Ada-${Math.random()}`)),
    })
    expect(run.status).toBe(200)
    // Deltas carry whatever arrived since the last flush, so wait for the text.
    const before = tokens.slice(0, pauseAfter).join('')
    await waitFor(() => deltaText(run) === before, 'job paused')
    return run
  }

  describe('document ids', () => {
    const badIds: [string, string][] = [
      ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['a dot', 'a.b'],
      ['unicode', encodeURIComponent('dōc-✓')],
      ['an encoded NUL', 'a%00b'],
      ['an encoded slash', 'a%2Fb'],
      ['a huge id', 'h'.repeat(5000)],
    ]
    const routes: [string, (id: string) => string, object | undefined][] = [
      ['GET', (id) => `/api/docs/${id}/export`, undefined],
      ['DELETE', (id) => `/api/docs/${id}`, undefined],
      ['POST', (id) => `/api/docs/${id}/share`, { role: 'viewer' }],
      ['POST', (id) => `/api/docs/${id}/ai`, { op: 'continue', anchor: { from: 'AAAA' }, requester: { id: 'x', name: 'X' } }],
    ]
    const cases = badIds.flatMap(([name, id]) => routes.map(([method, route, body]) => [name, method, route(id).replace(id, ':id'), route(id), body] as const))

    it.each(cases)('an id with %s: %s %s is 400 invalid_doc_id', async (_name, method, _pattern, route, body) => {
      expectApiError(await call(srv.url, route, { method, token: owner, ...(body ? { body } : {}) }), 400, 'invalid_doc_id')
    })

    it.each(['cancel', 'accept', 'discard', 'events'])('a job id that is not a UUID is 400 on %s', async (action) => {
      for (const id of ['..%2F..%2Fetc', 'not-a-uuid', 'j'.repeat(3000)]) {
        expectApiError(await call(srv.url, `/api/ai/jobs/${id}/${action}`, { method: action === 'events' ? 'GET' : 'POST', token: owner }), 400, 'bad_request')
      }
    })

    it('the export route never answers 5xx, whatever the id (property)', async () => {
      const percent = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
      const anyId = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }).map(encodeURIComponent),
        // Percent-encoded bytes, including invalid UTF-8.
        fc.uint8Array({ maxLength: 60 }).map(percent),
        // Raw characters, left to the URL parser ('/', '?', '#', '..' and all).
        fc.string({ unit: 'grapheme', maxLength: 100 }),
      )
      await fc.assert(
        fc.asyncProperty(anyId, async (id) => {
          const reply = await call(srv.url, `/api/docs/${id}/export`, { token: owner })
          expect(reply.status).toBeLessThan(500)
          if (typeof reply.body === 'object') expectApiError(reply, reply.status)
        }),
        { seed: 5150, numRuns: 200 },
      )
    })
  })

  describe('request bodies', () => {
    let finishedJob = ''
    beforeAll(async () => {
      upstream.script({ tokens: ['Done', '.'] })
      const run = await openStream(`${srv.url}/api/docs/${docId}/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
        body: JSON.stringify(aiRequest(client, 'Finisher')),
      })
      await run.ended
      finishedJob = run.jobId()
      // Accept now, so that the action routes below answer 409, not 200.
      expect((await call(srv.url, `/api/ai/jobs/${finishedJob}/accept`, { method: 'POST', token: owner })).status).toBe(200)
    })

    const jsonRoutes = () => [`/api/docs`, `/api/docs/${docId}/ai`, `/api/docs/${docId}/share`, `/api/tokens/revoke`]
    const actionRoutes = () => ['cancel', 'accept', 'discard'].map((a) => `/api/ai/jobs/${finishedJob}/${a}`)
    const malformed = ['{op:', '{"role": "viewer"', '[1, 2', 'nul', '\u0000\u0001', '{"a":1}}', "{'single': 'quotes'}"]
    const wrongTypes = ['[]', '"a string"', '42', 'null', 'true', '{"role": 5}', '{"expires": ["7d"]}', '{"token": 12345678901}', '{"op": null, "anchor": "x"}', '{"name": {"$gt": ""}}']

    it('malformed JSON on every JSON route is 400 JSON', async () => {
      for (const route of jsonRoutes()) for (const body of malformed) expectApiError(await call(srv.url, route, { token: owner, body }), 400, 'bad_request')
    })

    it('JSON of the wrong shape on every JSON route is 400 JSON', async () => {
      for (const route of jsonRoutes()) for (const body of wrongTypes) expectApiError(await call(srv.url, route, { token: owner, body }), 400, 'bad_request')
    })

    it('a revoke request carrying something shaped like a token, but not one of ours, is 400 JSON', async () => {
      const b64 = (s: string) => Buffer.from(s).toString('base64url')
      const header = b64('{"alg":"HS256","typ":"JWT"}')
      for (const payload of ['null', '42', '"str"', '[]', '{"jti":1,"doc":"x","exp":1}', '{}', 'not json']) {
        expectApiError(await call(srv.url, '/api/tokens/revoke', { token: owner, body: { token: `${header}.${b64(payload)}.c2lnbmF0dXJl` } }), 400, 'bad_request')
      }
      expectApiError(await call(srv.url, '/api/tokens/revoke', { token: owner, body: { token: 'a.b.c.d.e.f.g' } }), 400, 'bad_request')
    })

    it('the job action routes ignore a body, malformed or not, and answer as without one (no 5xx)', async () => {
      for (const route of actionRoutes()) {
        const plain = await call(srv.url, route, { method: 'POST', token: owner })
        expect(plain.status).toBeLessThan(500)
        for (const body of [...malformed, ...wrongTypes]) {
          const reply = await call(srv.url, route, { token: owner, body })
          expect(reply.status).toBe(plain.status)
          expect(reply.body).toEqual(plain.body)
        }
      }
    })

    it('a body over MAX_BODY_BYTES is 413 JSON on every route that takes one, with or without Content-Length', async () => {
      const huge = JSON.stringify({ role: 'viewer', name: 'n'.repeat(10_000) })
      for (const route of [...jsonRoutes(), ...actionRoutes()]) {
        expectApiError(await call(srv.url, route, { token: owner, body: huge }), 413, 'payload_too_large')
        const chunked = new ReadableStream<Uint8Array>({
          start(ctrl) {
            for (let i = 0; i < 10; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(1000)))
            ctrl.close()
          },
        })
        const res = await fetch(`${srv.url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: chunked, duplex: 'half' } as RequestInit)
        const reply: ApiReply = { status: res.status, headers: res.headers, body: await res.json() }
        expectApiError(reply, 413, 'payload_too_large')
      }
    })

    it('arbitrary bodies on every route that takes one never get a 5xx (property)', async () => {
      const routes = [...jsonRoutes(), ...actionRoutes()]
      const anyBody = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc.record({ role: fc.jsonValue(), expires: fc.jsonValue(), name: fc.jsonValue(), token: fc.jsonValue(), op: fc.jsonValue() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      )
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), anyBody, async (route, body) => {
          const reply = await call(srv.url, route, { token: owner, body })
          expect(reply.status, `${route} ${body.slice(0, 80)}`).toBeLessThan(500)
          if (reply.status >= 400) expectApiError(reply, reply.status)
        }),
        { seed: 99, numRuns: 250 },
      )
    })
  })

  it('bogus Last-Event-ID values are 400 JSON (never 5xx), and the job streams on undisturbed for a well-behaved client', async () => {
    const tokens = tokenize(' The job keeps streaming while someone throws junk at it.', 5)
    const run = await pausedJob(tokens, 3)
    const jobId = run.jobId()
    const lastId = run.events.length
    const expectedStatus = (raw: string) => (raw === '' || (/^\d{1,10}$/.test(raw) && Number(raw) <= lastId) ? 200 : 400)
    const resume = async (init: { header?: string; query?: string }) => {
      const q = init.query === undefined ? '' : `?lastEventId=${encodeURIComponent(init.query)}`
      const res = await fetch(`${srv.url}/api/ai/jobs/${jobId}/events${q}`, {
        headers: { authorization: `Bearer ${owner}`, ...(init.header === undefined ? {} : { 'last-event-id': init.header }) },
      })
      const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as unknown) : (void (await res.body?.cancel()), null)
      return { status: res.status, headers: res.headers, body }
    }
    // Anything an HTTP client can put in a header: visible ASCII, Latin-1, spaces and tabs.
    const headerValue = fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v))
    const numeric = fc.oneof(fc.integer({ min: -5, max: 2 ** 40 }).map(String), fc.constantFrom('1e3', '0x10', '+1', '1.0', ' 1', '01', '99999999999'))

    await fc.assert(
      fc.asyncProperty(fc.oneof(headerValue, numeric), async (raw) => {
        // fetch trims header values as HTTP requires.
        const reply = await resume({ header: raw })
        expect(reply.status).toBe(expectedStatus(raw.replace(/^[\t ]+|[\t ]+$/g, '')))
        if (reply.status === 400) expectApiError(reply, 400, 'bad_request')
      }),
      { seed: 7, numRuns: 150 },
    )
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), numeric), async (raw) => {
        const reply = await resume({ query: raw })
        expect(reply.status).toBe(expectedStatus(raw))
        if (reply.status === 400) expectApiError(reply, 400, 'bad_request')
      }),
      { seed: 8, numRuns: 150 },
    )

    upstream.release()
    await run.ended
    expect(run.events.map((e) => e.id)).toEqual(Array.from({ length: run.events.length }, (_, i) => i + 1))
    expect(deltaText(run)).toBe(tokens.join(''))
    expect(run.events.at(-1)?.type).toBe('done')
    // A well-formed resume still replays exactly what came after its id.
    const replay = await openStream(`${srv.url}/api/ai/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${owner}`, 'last-event-id': '2' } })
    await replay.ended
    expect(replay.events.map((e) => e.id)).toEqual(run.events.slice(2).map((e) => e.id))
  })
})

function deltaText(run: SseRun): string {
  return run.events
    .filter((e) => e.type === 'delta')
    .map((e) => (e.data as { text: string }).text)
    .join('')
}
