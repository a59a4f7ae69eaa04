/**
 * GET /metrics against a real server: real y-websocket clients fan updates
 * out, a job streams from the fake model, and the counters must move by
 * exactly what happened. Also who may scrape, and that labels never carry a
 * document id.
 */
import os from 'node:os'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { isLoopbackAddress } from '../../server/metrics/index.ts'
import { parseExposition, valueOf, type Sample } from './prometheus.ts'
import { createMemoryHub } from '../../server/bus/index.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { startInstances } from '../scale/instances.ts'

const FANOUT_DOC = 'metrics-fanout-doc'
const AI_DOC = 'metrics-ai-doc'
const TOKEN = 'metrics-token-0123456789abcdef'

async function scrape(url: string, init: RequestInit = {}): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, init)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseExposition(await res.text())
}

describe('metrics during a fan-out and an AI job', () => {
  let upstream: FakeOpenAI
  let srv: TestServer
  const clients: TestClient[] = []

  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    srv = await startServer({ AI_MODEL: 'fake-model', OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: 'test-key', AI_RATE_PER_MINUTE: '1000', AI_RATE_BURST: '100' })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await srv?.close()
    await upstream?.close()
  })

  it('counts every update received once and broadcast once per peer', async () => {
    const PEERS = 4
    const N = 25
    for (let i = 0; i < PEERS + 1; i++) clients.push(await connectSynced(srv.wsUrl, FANOUT_DOC))
    const [writer, ...peers] = clients
    // The handshakes' SyncStep2s are in (and their empty updates not counted).
    await sleep(100)
    const before = await scrape(srv.url)
    expect(valueOf(before, 'quill_ws_connections', { state: 'joined' })).toBe(PEERS + 1)
    expect(valueOf(before, 'quill_rooms', { state: 'loaded' })).toBe(1)

    // One transaction each: y-websocket sends each as one update message.
    for (let i = 0; i < N; i++) appendParagraph(writer!.doc, `line ${i}`)
    await waitFor(() => peers.every((p) => p.text().split('\n').length === N), 'every peer has every line')
    const after = await scrape(srv.url)

    const delta = (name: string) => valueOf(after, name) - valueOf(before, name)
    expect(delta('quill_updates_received_total')).toBe(N)
    expect(delta('quill_updates_broadcast_total')).toBe(N * PEERS)
    const receivedBytes = delta('quill_updates_received_bytes_total')
    expect(receivedBytes).toBeGreaterThan(N * 3)
    // Each broadcast frame is the update plus a 2-byte sync header (1 more for a length over 127).
    const broadcastBytes = delta('quill_updates_broadcast_bytes_total')
    expect(broadcastBytes).toBeGreaterThanOrEqual(PEERS * (receivedBytes + 2 * N))
    expect(broadcastBytes).toBeLessThanOrEqual(PEERS * (receivedBytes + 4 * N))
    // Stored before broadcast: every update went through a timed storage write.
    expect(valueOf(after, 'quill_storage_write_seconds_count')).toBeGreaterThan(valueOf(before, 'quill_storage_write_seconds_count'))
    expect(valueOf(after, 'quill_storage_commit_batch_requests_count')).toBeGreaterThan(0)
    expect(valueOf(after, 'quill_storage_errors_total', { op: 'append' })).toBe(0)
  })

  it('counts one completed job, its tokens and its time to first token', async () => {
    const tokens = ['One', ' two', ' three', ' four', ' five', '.']
    upstream.script({ tokens, delayMs: 5 })
    const c = await connectSynced(srv.wsUrl, AI_DOC)
    clients.push(c)
    appendParagraph(c.doc, 'Start here.')
    await waitFor(async () => (await fetch(`${srv.url}/api/docs/${AI_DOC}/export?format=md`)).ok, 'the document is stored')
    const before = await scrape(srv.url)

    const run = await startJob(srv.url, AI_DOC, { op: 'generate', instruction: 'Continue', anchor: { from: anchorInBlock(c.doc, 0, 11) }, requester: requester('Grace') })
    expect(run.status).toBe(200)
    await run.ended
    expect(run.events.at(-1)?.type).toBe('done')
    const after = await waitFor(async () => {
      const s = await scrape(srv.url)
      return valueOf(s, 'quill_sse_streams_open') === 0 ? s : null
    }, 'the stream is counted closed')

    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels)
    expect(delta('quill_ai_jobs_total', { status: 'completed' })).toBe(1)
    expect(delta('quill_ai_jobs_total', { status: 'failed' })).toBe(0)
    expect(delta('quill_ai_tokens_streamed_total')).toBe(tokens.length)
    expect(delta('quill_ai_time_to_first_token_seconds_count')).toBe(1)

    // Resuming the finished job's stream replays it and counts one resume.
    const resumed = await fetch(`${srv.url}/api/ai/jobs/${run.jobId()}/events`, { headers: { 'Last-Event-ID': '1' } })
    await resumed.text()
    const later = await scrape(srv.url)
    expect(valueOf(later, 'quill_sse_resumes_total') - valueOf(after, 'quill_sse_resumes_total')).toBe(1)
    expect(valueOf(later, 'quill_sse_streams_open')).toBe(0)

    // Bounded labels: no document id, job id or person in any label value.
    const values = later.flatMap((s) => Object.values(s.labels))
    for (const secret of [FANOUT_DOC, AI_DOC, run.jobId(), 'Grace']) expect(values.filter((v) => v.includes(secret))).toEqual([])
  })

  it('exposes the process metrics and counts refusals by close code and HTTP status', async () => {
    const before = await scrape(srv.url)
    expect(valueOf(before, 'quill_process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(before.some((s) => s.name === 'quill_nodejs_eventloop_lag_p99_seconds')).toBe(true)
    expect(before.some((s) => s.name === 'quill_nodejs_heap_size_used_bytes')).toBe(true)

    expect((await fetch(`${srv.url}/api/docs/no such id`)).status).toBe(400)
    const ws = new WebSocket(`${srv.wsUrl}/bad%20id`)
    const code = await new Promise<number>((resolve) => ws.once('close', resolve))
    expect(code).toBe(4404)
    const after = await waitFor(async () => {
      const s = await scrape(srv.url)
      return valueOf(s, 'quill_ws_closes_total', { code: '4404' }) > valueOf(before, 'quill_ws_closes_total', { code: '4404' }) ? s : null
    }, 'the 4404 close is counted', 3000)
    expect(valueOf(after, 'quill_http_refusals_total', { status: '400' }) - valueOf(before, 'quill_http_refusals_total', { status: '400' })).toBe(1)
  })
})

describe('who may scrape /metrics', () => {
  it('counts only the TCP peer as loopback', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true)
    for (const a of ['10.0.0.5', '203.0.113.7', '::ffff:10.0.0.5', 'fe80::1', '::', '', undefined]) expect(isLoopbackAddress(a), String(a)).toBe(false)
  })

  // The route reads the peer from @hono/node-server's `env.incoming.socket`;
  // here that is a stand-in with a non-loopback address (see the real-socket case below).
  const fromPeer = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } })

  it('refuses a non-loopback peer without METRICS_TOKEN, whatever X-Forwarded-For says', async () => {
    const srv = await startServer()
    try {
      const res = await srv.server.app.request('/metrics', { headers: { 'X-Forwarded-For': '127.0.0.1' } }, fromPeer('203.0.113.7'))
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } })
      expect((await srv.server.app.request('/metrics', {}, fromPeer('127.0.0.1'))).status).toBe(200)
      // A token sent to a server without one opens nothing.
      expect((await srv.server.app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } }, fromPeer('203.0.113.7'))).status).toBe(403)
    } finally {
      await srv.close()
    }
  })

  it('lets a non-loopback peer in with the METRICS_TOKEN bearer token, and only with it', async () => {
    const srv = await startServer({ METRICS_TOKEN: TOKEN })
    try {
      const ok = await srv.server.app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } }, fromPeer('203.0.113.7'))
      expect(ok.status).toBe(200)
      expect(await ok.text()).toContain('quill_updates_received_total')
      expect((await srv.server.app.request('/metrics', { headers: { Authorization: 'Bearer wrong-token-0123456789' } }, fromPeer('203.0.113.7'))).status).toBe(403)
      expect((await srv.server.app.request('/metrics', {}, fromPeer('203.0.113.7'))).status).toBe(403)
    } finally {
      await srv.close()
    }
  })

  // The real thing, where the machine has an address other than loopback:
  // the server listens on it and the request arrives from it.
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address
  it.skipIf(!external)(`over a real socket from ${external ?? 'a non-loopback address'}: 403 without the token, 200 with it`, async () => {
    const srv = await startServer({ HOST: external!, METRICS_TOKEN: TOKEN })
    try {
      const base = `http://${external}:${srv.port}`
      const refused = await fetch(`${base}/metrics`, { headers: { 'X-Forwarded-For': '127.0.0.1' } })
      expect(refused.status).toBe(403)
      expect(await refused.json()).toMatchObject({ error: { code: 'forbidden' } })
      const ok = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
      expect(ok.status).toBe(200)
    } finally {
      await srv.close()
    }
  })
})

describe.skipIf(announcePostgresSkip('tests/ops/metrics.test.ts (bus)'))('bus metrics across two instances', () => {
  let pg: TestPostgres
  let servers: TestServer[] = []
  const clients: TestClient[] = []
  beforeAll(async () => {
    pg = await startPostgres({ fsync: false })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await Promise.all(servers.map((s) => s.close()))
    await pg?.cleanup()
  })

  it('counts messages dropped while the bus is down, and the gap repair that brings the edit across', async () => {
    const hub = createMemoryHub()
    servers = await startInstances(2, await pg.createDatabase('metrics_bus'), () => hub.connect())
    const [a, b] = servers as [TestServer, TestServer]
    const onA = await connectSynced(a.wsUrl, 'bus-doc')
    const onB = await connectSynced(b.wsUrl, 'bus-doc')
    clients.push(onA, onB)
    appendParagraph(onA.doc, 'before the outage')
    await waitFor(() => onB.text() === 'before the outage', 'B hears A over the bus')
    const beforeA = await scrape(a.url)
    const beforeB = await scrape(b.url)
    expect(valueOf(beforeA, 'quill_bus_up')).toBe(1)
    expect(valueOf(beforeA, 'quill_bus_messages_total', { outcome: 'published' })).toBeGreaterThan(0)
    expect(valueOf(beforeB, 'quill_bus_relay_apply_seconds_count')).toBeGreaterThan(0)

    hub.outage()
    expect(valueOf(await scrape(a.url), 'quill_bus_up')).toBe(0)
    appendParagraph(onA.doc, 'during the outage')
    await waitFor(async () => valueOf(await scrape(a.url), 'quill_bus_messages_total', { outcome: 'dropped' }) > valueOf(beforeA, 'quill_bus_messages_total', { outcome: 'dropped' }), 'A counts the dropped update')
    hub.restore()
    // Reconnected: B reads from the store what the bus lost.
    await waitFor(() => onB.text().includes('during the outage'), 'B has the edit made during the outage')
    const afterB = await waitFor(async () => {
      const s = await scrape(b.url)
      return valueOf(s, 'quill_bus_gap_repairs_total', { result: 'ok' }) > valueOf(beforeB, 'quill_bus_gap_repairs_total', { result: 'ok' }) ? s : null
    }, 'B counts its gap repair')
    expect(valueOf(afterB, 'quill_bus_up')).toBe(1)
    expect(valueOf(afterB, 'quill_bus_gap_repair_seconds_count')).toBeGreaterThan(0)
  })
})
