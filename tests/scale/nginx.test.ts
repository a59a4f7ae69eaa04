/**
 * Three instances on one PostgreSQL and one Redis behind the README's nginx
 * configuration (`deploy/nginx/quill.conf`), round-robin with no
 * stickiness: everything goes through the one nginx address, so each
 * WebSocket and each request lands on whichever instance comes next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectRedisBus } from '../../server/bus/index.ts'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { startFakeOpenAI, tokenize, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announceNginxSkip, startNginx, type TestNginx } from '../support/nginxServer.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { converged, describeDivergence, editConcurrently, startInstances } from './instances.ts'

const FILE = 'tests/scale/nginx.test.ts'
const skip = announcePostgresSkip(FILE) || announceRedisSkip(FILE) || announceNginxSkip(FILE)

const AI_ENV = {
  AI_MODEL: 'fake-model',
  OPENAI_API_KEY: 'test-key',
  AI_TIMEOUT_MS: '5000',
  AI_RATE_PER_MINUTE: '100000',
  AI_RATE_BURST: '10000',
  AI_SERVER_RATE_PER_MINUTE: '1000000',
}

describe.skipIf(skip)('three instances behind nginx, round-robin', () => {
  let pg: TestPostgres
  let redis: RedisServer
  let upstream: FakeOpenAI
  let servers: TestServer[] = []
  let nginx: TestNginx
  const clients: TestClient[] = []

  beforeAll(async () => {
    ;[pg, redis, upstream] = await Promise.all([startPostgres({ fsync: false }), startRedis(), startFakeOpenAI()])
    const url = await pg.createDatabase('nginx')
    servers = await startInstances(3, url, () => connectRedisBus({ url: redis.url, channelPrefix: 'nginx:' }), {
      env: { ...AI_ENV, OPENAI_BASE_URL: upstream.url, TRUST_PROXY: 'true' },
    })
    nginx = await startNginx(servers.map((s) => s.port))
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await nginx?.close()
    await Promise.all(servers.map((s) => s.close()))
    await upstream?.close()
    await redis?.cleanup()
    await pg?.cleanup()
  })

  const connectionsPerInstance = () => servers.map((s) => s.server.context.registry.connectionCount)

  it('y-websocket clients on the one address land on every instance, converge, see each other, and a late joiner gets everything', async () => {
    const group = await Promise.all(Array.from({ length: 6 }, () => connectSynced(nginx.wsUrl, 'through')))
    clients.push(...group)
    // No stickiness: the six sockets were dealt out over all three instances.
    expect(connectionsPerInstance().every((n) => n >= 1)).toBe(true)

    await editConcurrently(group, 10, 3)
    await waitFor(() => converged(group, servers, 'through'), `convergence (${describeDivergence(group)})`, 15_000)
    expect(group[0]!.text().length).toBeGreaterThan(50)

    group[0]!.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    const sees = (who: TestClient) => who.provider.awareness.getStates().get(group[0]!.doc.clientID)?.user
    await waitFor(() => group.slice(1).every(sees), 'Ada\'s presence on every client')

    // Three late joiners: round-robin hands one to each instance.
    for (let i = 0; i < 3; i++) {
      const late = await connectSynced(nginx.wsUrl, 'through')
      clients.push(late)
      await waitFor(() => late.text() === group[0]!.text() && sees(late), 'late joiner has the text and the presence')
      expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(group[0]!.doc))
    }
  })

  it('the HTTP API works through nginx: create, list and export, whichever instance answers', async () => {
    const origin = nginx.url
    const created: string[] = []
    for (let i = 0; i < 3; i++) {
      // A browser's request: same-origin passes because nginx forwards the Host with its port.
      const res = await fetch(`${nginx.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: '{}' })
      expect(res.status).toBe(201)
      created.push(((await res.json()) as { id: string }).id)
    }
    const writer = await connectSynced(nginx.wsUrl, created[0]!)
    clients.push(writer)
    appendParagraph(writer.doc, 'Exported through the proxy')
    // Three lists and three exports: one from each instance.
    for (let i = 0; i < 3; i++) {
      const list = (await (await fetch(`${nginx.url}/api/docs`)).json()) as { docs: { id: string }[] }
      expect(list.docs.map((d) => d.id)).toEqual(expect.arrayContaining(created))
    }
    for (let i = 0; i < 3; i++) {
      await waitFor(async () => {
        const res = await fetch(`${nginx.url}/api/docs/${created[0]}/export?format=md`)
        return res.status === 200 && (await res.text()).includes('Exported through the proxy')
      }, `export ${i} has the text`)
    }
  })

  it('an AI event stream through nginx arrives as it is written, not at the end', async () => {
    const writer = await connectSynced(nginx.wsUrl, 'ai')
    const reader = await connectSynced(nginx.wsUrl, 'ai')
    clients.push(writer, reader)
    appendParagraph(writer.doc, '')
    await waitFor(() => reader.doc.getXmlFragment(DOC_FIELD).length === 1, 'paragraph at the reader')
    const response = 'Streams must pass the proxy as they are written, one delta at a time.'
    const tokens = tokenize(response, 3)
    const pauseAfter = Math.floor(tokens.length / 2)
    upstream.script({ tokens, delayMs: 5, pauseAfter })

    const arrivals: Array<{ type: string; at: number }> = []
    const run = await startJob(nginx.url, 'ai', { op: 'generate', instruction: 'a sentence', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() }, (e) =>
      arrivals.push({ type: e.type, at: Date.now() }),
    )
    expect(run.status).toBe(200)
    // The model is paused halfway: its first half must already have come through nginx.
    await waitFor(() => run.events.some((e) => e.type === 'delta'), 'a delta while the model is paused', 5000)
    await waitFor(() => reader.text().startsWith('Streams'), 'partial text at a reader on any instance')
    expect(run.events.some((e) => e.type === 'done')).toBe(false)
    const released = Date.now()
    upstream.release()
    await run.ended
    expect(run.events.at(-1)!.type).toBe('done')
    const deltas = run.events.filter((e): e is Extract<AiEventRecord, { type: 'delta' }> => e.type === 'delta')
    expect(deltas.map((d) => d.data.text).join('')).toBe(response)
    // Events before the release arrived before it: nothing waited for the end.
    expect(arrivals.filter((a) => a.type === 'delta' && a.at < released).length).toBeGreaterThan(0)
    await waitFor(() => reader.text() === response, 'the full text at the reader')
  })

  // Today a job's stream can be resumed only on the instance running it, so
  // through round-robin two resumes in three get 404 (AI across instances is
  // in progress). When it lands: resume through nginx three times (one per
  // instance) and expect each to replay every event after Last-Event-ID once.
  it.todo('an AI job started through nginx resumes through nginx on whichever instance answers')
})
