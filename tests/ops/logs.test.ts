/**
 * The log of a whole session against a real server (tokens on, a real
 * y-websocket client typing, an HTTP read, an AI job streaming from the fake
 * model, a refused socket): every line is JSON with the ids it is about, and
 * no token, API key or document text appears anywhere in the output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadConfig } from '../../server/config.ts'
import { createServer, type CollabServer } from '../../server/server.ts'
import { createLogger } from '../../server/log.ts'
import { mintToken } from '../../server/auth/tokens.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { anchorInBlock, openStream, requester } from '../support/aiClient.ts'
import { tempDir } from '../support/tempDir.ts'
import { waitFor } from '../support/wait.ts'

const SECRET = 'logs-test-secret-0123456789abcdef-XYZ'
const API_KEY = 'sk-logs-test-APIKEY-5f3a9c'
const DOC = 'logs-doc'
const DOC_TEXT = 'PLUM-ZEPHYR-4471 is the text of the document'
const INSTRUCTION = 'CONFIDENTIAL-INSTRUCTION-9931'
const MODEL_TEXT = ['MODEL', '-OUTPUT', '-7788']

interface Line {
  level: string
  time: string
  msg: string
  reqId?: string
  docId?: string
  jobId?: string
  closeCode?: number
  [k: string]: unknown
}

describe('a session’s log', () => {
  const raw: string[] = []
  let upstream: FakeOpenAI
  let server: CollabServer
  let base = ''
  let wsUrl = ''
  let token = ''
  let client: TestClient | null = null
  let aiReqId = ''
  let jobId = ''

  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.script({ tokens: MODEL_TEXT, delayMs: 5 })
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      ROOM_UNLOAD_DELAY_MS: '50',
      AUTH_SECRET: SECRET,
      AI_MODEL: 'fake-model',
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: API_KEY,
    })
    // The destination is injected: everything the server logs lands in `raw`.
    server = createServer(config, { log: createLogger('debug', { format: 'json', write: (l) => raw.push(l) }) })
    const { port } = await server.listen()
    base = `http://127.0.0.1:${port}`
    wsUrl = `ws://127.0.0.1:${port}/api/collab`
    token = (await mintToken(SECRET, { doc: DOC, role: 'editor', name: 'Ada', ttlSeconds: 3600 })).token

    // A person types, with their token in the socket URL as the client sends it.
    client = await connectSynced(wsUrl, DOC, { params: { token } })
    appendParagraph(client.doc, DOC_TEXT)
    const auth = { Authorization: `Bearer ${token}` }
    await waitFor(async () => (await (await fetch(`${base}/api/docs/${DOC}/export?format=md`, { headers: auth })).text()).includes('PLUM'), 'the text is stored')
    // The token in the query string, as share links carry it.
    expect((await fetch(`${base}/api/docs/${DOC}?token=${token}`)).status).toBe(200)

    // An AI job, started with the bearer token and a proxy's request id.
    const run = await openStream(`${base}/api/docs/${DOC}/ai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth, 'X-Request-Id': 'proxy-req-42' },
      body: JSON.stringify({ op: 'generate', instruction: INSTRUCTION, anchor: { from: anchorInBlock(client.doc, 0, 5) }, requester: requester('Ada') }),
    })
    expect(run.status).toBe(200)
    await run.ended
    expect(run.events.at(-1)?.type).toBe('done')
    aiReqId = 'proxy-req-42'
    jobId = run.jobId()
    await waitFor(() => client!.text().includes('MODEL-OUTPUT-7788'), 'the AI text reached the client')

    // A socket with a bad token is refused (4401), and the person leaves.
    const bad = new WebSocket(`${wsUrl}/${DOC}?token=not-a-token-${token.slice(0, 5)}`)
    await new Promise<void>((resolve) => bad.once('close', () => resolve()))
    client.destroy()
    client = null
    await waitFor(() => raw.some((l) => l.includes('"socket closed"')), 'the socket’s close is logged')
    await server.close()
  })

  afterAll(async () => {
    client?.destroy()
    await server?.close()
    await upstream?.close()
  })

  const lines = (): Line[] => raw.map((l) => JSON.parse(l) as Line)

  it('writes one JSON object per line, with level, time and message', () => {
    expect(raw.length).toBeGreaterThan(5)
    for (const l of raw) {
      expect(l.endsWith('\n') && l.indexOf('\n') === l.length - 1, l).toBe(true)
      const o = JSON.parse(l) as Line
      expect(typeof o.level).toBe('string')
      expect(Number.isNaN(Date.parse(o.time))).toBe(false)
      expect(typeof o.msg).toBe('string')
    }
  })

  it('gives every request line its request id, method, path and status', () => {
    const requests = lines().filter((l) => l.msg === 'request')
    expect(requests.length).toBeGreaterThanOrEqual(3)
    for (const r of requests) {
      expect(r.reqId).toMatch(/^[\w=-]+$/)
      expect(r).toMatchObject({ method: expect.any(String), path: expect.stringMatching(/^\//), status: expect.any(Number) })
    }
    expect(new Set(requests.map((r) => r.reqId)).size).toBe(requests.length)
    expect(requests.find((r) => r.path === `/api/docs/${DOC}/ai`)).toMatchObject({ reqId: aiReqId, status: 200 })
  })

  it('gives socket lines their request id, doc id and close code', () => {
    const joined = lines().filter((l) => l.msg === 'socket joined')
    expect(joined.length).toBeGreaterThanOrEqual(1)
    for (const j of joined) expect(j).toMatchObject({ reqId: expect.any(String), docId: DOC })
    const refused = lines().find((l) => l.msg === 'socket refused or dropped')
    expect(refused).toMatchObject({ reqId: expect.any(String), docId: DOC, closeCode: 4401 })
    const closed = lines().find((l) => l.msg === 'socket closed')
    expect(closed).toMatchObject({ reqId: joined[0]!.reqId, docId: DOC, closeCode: expect.any(Number), by: 'client' })
  })

  it('gives job lines the job id, doc id and the request that started it', () => {
    const started = lines().find((l) => l.msg === 'ai job started')
    const ended = lines().find((l) => l.msg === 'ai job ended')
    expect(started).toMatchObject({ jobId, docId: DOC, reqId: aiReqId, op: 'generate' })
    expect(ended).toMatchObject({ jobId, docId: DOC, reqId: aiReqId, status: 'completed', tokens: MODEL_TEXT.length })
  })

  it('never writes the token, the API key, the secret or any document text', () => {
    const all = raw.join('')
    expect(token.length).toBeGreaterThan(20)
    for (const secret of [token, token.split('.').at(-1)!, API_KEY, SECRET, 'PLUM-ZEPHYR', INSTRUCTION, 'MODEL-OUTPUT', '-OUTPUT']) {
      expect(all.includes(secret), `the log contains ${secret}`).toBe(false)
    }
  })
})

describe('log formats', () => {
  it('LOG_FORMAT picks JSON or readable lines; unset means "by terminal"', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty')
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json')
    expect(loadConfig({}).logFormat).toBe(null)
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/)
  })

  it('pretty lines read as text, carry the ids, and redact the same fields', () => {
    const out: string[] = []
    const log = createLogger('info', { format: 'pretty', write: (l) => out.push(l) })
    log.child!({ docId: 'doc-1', closeCode: 4401 }).info('socket refused or dropped', { token: 'tok-SECRET', headers: { authorization: 'Bearer tok-SECRET' } })
    log.debug('not at info')
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  socket refused or dropped {2}docId=doc-1 closeCode=4401 /)
    expect(out[0]).not.toContain('tok-SECRET')
    expect(out[0]).toContain('[redacted]')
  })

  it('JSON lines redact tokens and keys passed by mistake', () => {
    const out: string[] = []
    createLogger('info', { format: 'json', write: (l) => out.push(l) }).warn('oops', { apiKey: 'sk-LEAK', req: { token: 'tok-LEAK' }, err: new Error('boom') })
    const o = JSON.parse(out[0]!) as { apiKey: string; req: { token: string }; err: { message: string; stack: string } }
    expect(o.apiKey).toBe('[redacted]')
    expect(o.req.token).toBe('[redacted]')
    expect(o.err.message).toBe('boom')
  })
})
