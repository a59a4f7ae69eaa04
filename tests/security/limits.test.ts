/**
 * Every limit is configurable and every refusal has its documented code:
 * frame size (1009), document size (4414), connections per address and per
 * document (4503), AI instruction size (413), AI rates per person and per
 * server (429 with Retry-After), and slow consumers (4502, then a resync).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { CLOSE_REASONS, CloseCode } from '../../shared/closeCodes.ts'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { allSame, appendParagraph, connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { openStream } from '../support/aiClient.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { aiRequest, call, closeOf, closeSocket, expectApiError, nextClose, openAdmitted, SECRET, seedParagraph, storedBytes, TestStore, tokenFor } from './helpers.ts'

/** A sync-update frame (type 0, step 2) carrying `n` payload bytes. */
function updateFrame(n: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, new Uint8Array(n).fill(7))
  return encoding.toUint8Array(e)
}

describe('every limit is configurable and documented', () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
  const row = (variable: string) => readme.split('\n').find((l) => l.startsWith(`| \`${variable}\``)) ?? ''

  it.each([
    ['MAX_MESSAGE_BYTES', '1009'],
    ['MAX_DOC_BYTES', '4414'],
    ['MAX_CONNECTIONS_PER_IP', '4503'],
    ['MAX_CONNECTIONS_PER_DOC', '4503'],
    ['MAX_BUFFERED_BYTES', '4502'],
    ['MAX_BODY_BYTES', '413'],
    ['AI_MAX_INSTRUCTION_CHARS', '413'],
  ])('%s is in the README with its refusal (%s)', (variable, refusal) => {
    expect(row(variable)).toContain(refusal)
  })

  it('the AI rates are in the README, and their refusal is 429 with Retry-After', () => {
    for (const v of ['AI_RATE_PER_MINUTE', 'AI_RATE_BURST', 'AI_SERVER_RATE_PER_MINUTE']) expect(row(v)).not.toBe('')
    expect(readme).toContain('429 `rate_limited` with `Retry-After`')
  })

  it('every close code has a reason, and the config refuses values below the floors', () => {
    for (const code of Object.values(CloseCode)) expect(CLOSE_REASONS[code]).toBeTruthy()
    expect(() => loadConfig({ MAX_BUFFERED_BYTES: '65535' })).toThrow(ConfigError)
    expect(loadConfig({ MAX_BUFFERED_BYTES: '65536' }).maxBufferedBytes).toBe(65536)
    expect(() => loadConfig({ MAX_MESSAGE_BYTES: '10' })).toThrow(/MAX_MESSAGE_BYTES/)
  })
})

describe('frame and document size', () => {
  let srv: TestServer
  const store = new TestStore()
  const clients: TestClient[] = []
  const join = async (docId: string) => {
    const c = await connectSynced(srv.wsUrl, docId)
    clients.push(c)
    return c
  }
  beforeAll(async () => {
    srv = await startServer({ MAX_MESSAGE_BYTES: '4096', MAX_DOC_BYTES: '8192' }, { store })
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => srv.close())

  it('a frame larger than MAX_MESSAGE_BYTES closes that socket with 1009 and the room carries on', async () => {
    const [a, b] = [await join('frames'), await join('frames')]
    await seedParagraph(srv, a, 'frames', 'before')
    const stored = await storedBytes(store, 'frames')
    expect((await closeOf(`${srv.wsUrl}/frames`, { frames: [updateFrame(5000)] })).code).toBe(CloseCode.MessageTooBig)
    // Just under the limit is not refused for its size (it is garbage, so 4400).
    expect((await closeOf(`${srv.wsUrl}/frames`, { frames: [updateFrame(4000)] })).code).toBe(CloseCode.ProtocolError)
    expect(await storedBytes(store, 'frames')).toBe(stored)
    appendParagraph(a.doc, 'after')
    await waitFor(() => allSame([a, b]) && b.text() === 'before\nafter', 'room still syncs')
  })

  it('an edit that would grow the document past MAX_DOC_BYTES is refused with 4414 and nothing is applied', async () => {
    const docId = 'growing'
    const [writer, peer] = [await join(docId), await join(docId)]
    await seedParagraph(srv, writer, docId, 'small start')
    // Two 3 KB paragraphs fit in 8 KB...
    for (const ch of ['a', 'b']) appendParagraph(writer.doc, ch.repeat(3000))
    await waitFor(() => peer.text().split('\n').length === 3, 'peer has 3 paragraphs')
    const peerText = peer.text()
    const stored = await storedBytes(store, docId)
    let permanent: { code: number } | null = null
    writer.provider.once('closed', (e: { code: number }) => (permanent = e))

    // ...a third does not.
    const closed = nextClose(writer)
    appendParagraph(writer.doc, 'c'.repeat(3000))
    expect(await closed).toBe(CloseCode.DocumentTooLarge)
    await sleep(200)
    expect(peer.text()).toBe(peerText)
    expect(fragmentText(srv.server.context.registry.get(docId)!.fragment)).toBe(peerText)
    expect(await storedBytes(store, docId)).toBe(stored)
    // A permanent refusal: the client keeps its edit locally and does not retry.
    expect(permanent).toEqual(expect.objectContaining({ code: CloseCode.DocumentTooLarge }))
    expect(writer.provider.wsconnected || writer.provider.wsconnecting).toBe(false)
    expect(writer.text()).toContain('c'.repeat(3000))
  })
})

describe('connection limits', () => {
  let srv: TestServer
  const sockets: WebSocket[] = []
  const admit = async (docId: string, ip: string) => {
    const ws = await openAdmitted(`${srv.wsUrl}/${docId}`, { 'x-forwarded-for': ip })
    sockets.push(ws)
    return ws
  }
  beforeAll(async () => {
    // Behind a (trusted) proxy, so each test can speak from several addresses.
    srv = await startServer({ TRUST_PROXY: '1', MAX_CONNECTIONS_PER_IP: '3', MAX_CONNECTIONS_PER_DOC: '4' })
  })
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map(closeSocket))
  })
  afterAll(async () => srv.close())

  it('MAX_CONNECTIONS_PER_IP: one address past the limit gets 4503, others are unaffected, and a freed slot is reused', async () => {
    const first = [await admit('ip-a', '10.0.0.1'), await admit('ip-b', '10.0.0.1'), await admit('ip-c', '10.0.0.1')]
    expect((await closeOf(`${srv.wsUrl}/ip-d`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).code).toBe(CloseCode.TooManyConnections)
    await admit('ip-d', '10.0.0.2')
    await closeSocket(first[0]!)
    await waitFor(async () => {
      await admit('ip-d', '10.0.0.1')
      return true
    }, 'a slot frees up once a socket closes', 2000, 50)
  })

  it('MAX_CONNECTIONS_PER_DOC: one document past the limit gets 4503, other documents are unaffected', async () => {
    for (let i = 1; i <= 4; i++) await admit('crowded', `10.1.0.${i}`)
    expect((await closeOf(`${srv.wsUrl}/crowded`, { headers: { 'x-forwarded-for': '10.1.0.9' } })).code).toBe(CloseCode.TooManyConnections)
    await admit('quiet', '10.1.0.9')
  })
})

describe('AI limits', () => {
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.script({ tokens: ['Fine', '.'] })
  })
  afterAll(async () => upstream.close())

  /** A server with AI, a client in `docId` with one paragraph, and a way to start jobs. */
  async function aiServer(env: Record<string, string>, docId: string) {
    const srv = await startServer({ AI_MODEL: 'fake-model', OPENAI_BASE_URL: upstream.url, ...env })
    const token = env.AUTH_SECRET ? await tokenFor(docId, 'editor') : undefined
    const client = await connectSynced(srv.wsUrl, docId, token ? { params: { token } } : {})
    await seedParagraph(srv, client, docId, 'Context.')
    const start = async (opts: { token?: string; name?: string; instruction?: string } = {}) => {
      const body = aiRequest(client, opts.name ?? 'Ada', opts.instruction ? { op: 'generate', instruction: opts.instruction } : {})
      const run = await openStream(`${srv.url}/api/docs/${docId}/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        body: JSON.stringify(body),
      })
      await run.ended
      return run
    }
    const refused = (opts: { token?: string; name?: string } = {}) => call(srv.url, `/api/docs/${docId}/ai`, { body: aiRequest(client, opts.name ?? 'Ada'), ...(opts.token ? { token: opts.token } : {}) })
    return {
      start,
      refused,
      close: async () => {
        client.destroy()
        await srv.close()
      },
    }
  }

  it('an instruction over AI_MAX_INSTRUCTION_CHARS is refused with 413', async () => {
    const s = await aiServer({ AI_MAX_INSTRUCTION_CHARS: '50' }, 'instr')
    try {
      const tooLong = await s.start({ instruction: 'x'.repeat(51) })
      expect(tooLong.status).toBe(413)
      expect(tooLong.errorBody).toMatchObject({ error: { code: 'payload_too_large' } })
      expect((await s.start({ instruction: 'y'.repeat(50) })).status).toBe(200)
    } finally {
      await s.close()
    }
  })

  it('AI_RATE_PER_MINUTE / AI_RATE_BURST: a person past their burst gets 429 with Retry-After; another person does not', async () => {
    const s = await aiServer({ AUTH_SECRET: SECRET, AI_RATE_PER_MINUTE: '1', AI_RATE_BURST: '2' }, 'person-rate')
    try {
      // With tokens, the person is the token, whatever name the body claims.
      const ada = await tokenFor('person-rate', 'editor', { name: 'Ada' })
      for (const name of ['Ada', 'Not Ada']) {
        const run = await s.start({ token: ada, name })
        expect(run.status).toBe(200)
        expect(run.events.at(-1)?.type).toBe('done')
      }
      const refused = await s.refused({ token: ada, name: 'Someone Else' })
      expectApiError(refused, 429, 'rate_limited')
      const retryAfter = Number(refused.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      expect((refused.body as { error: { retryAfter: number } }).error.retryAfter).toBe(retryAfter)
      expect((await s.start({ token: await tokenFor('person-rate', 'editor', { name: 'Grace' }) })).status).toBe(200)
    } finally {
      await s.close()
    }
  })

  it('AI_SERVER_RATE_PER_MINUTE: past the server-wide rate everyone gets 429 with Retry-After', async () => {
    const s = await aiServer({ AI_SERVER_RATE_PER_MINUTE: '1' }, 'server-rate')
    try {
      expect((await s.start({ name: 'First' })).status).toBe(200)
      const refused = await s.refused({ name: 'Second' })
      expectApiError(refused, 429, 'rate_limited')
      expect((refused.body as { error: { message: string } }).error.message).toMatch(/server/)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    } finally {
      await s.close()
    }
  })
})

describe('slow consumers', () => {
  it('a client whose send buffer passes MAX_BUFFERED_BYTES is closed with 4502, memory stays bounded, and it resyncs with nothing lost', async () => {
    const maxBuffered = 65536
    const srv = await startServer({ MAX_BUFFERED_BYTES: String(maxBuffered), STORAGE: 'memory' })
    const writer = await connectSynced(srv.wsUrl, 'slow')
    const slow = await connectSynced(srv.wsUrl, 'slow')
    try {
      const codes: number[] = []
      slow.provider.on('connection-close', (e: CloseEvent | null) => codes.push(e?.code ?? 0))
      const room = srv.server.context.registry.get('slow')!
      const slowConn = [...room.connections][1]!
      // Stop reading: the kernel buffers fill first (a few MB on loopback),
      // then the server's own queue grows until the limit closes the socket.
      const tcp = (slow.provider.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
      tcp.pause()
      appendParagraph(slow.doc, 'written by the slow client while it was not reading')
      const chunk = 'x'.repeat(32 * 1024)
      let peak = 0
      let n = 0
      for (; n < 1000 && !slowConn.closed; n++) {
        appendParagraph(writer.doc, `${n} ${chunk}`)
        await sleep(1)
        peak = Math.max(peak, slowConn.socket.bufferedAmount)
      }
      expect(slowConn.closed).toBe(true)
      // Bounded: at most the limit plus the one frame that crossed it.
      expect(peak).toBeLessThanOrEqual(maxBuffered + chunk.length + 1024)
      // And nothing more is queued for it, however much the others write.
      const queued = slowConn.socket.bufferedAmount
      for (let i = 0; i < 40; i++) appendParagraph(writer.doc, `more ${i} ${chunk}`)
      await waitFor(() => fragmentText(room.fragment).includes('more 39'), 'server has the extra writes')
      expect(slowConn.socket.bufferedAmount).toBe(queued)

      tcp.resume()
      await waitFor(() => codes.includes(CloseCode.SlowConsumer), 'the slow client learns it was closed with 4502')
      await waitFor(() => slow.provider.synced && allSame([writer, slow]), 'the slow client reconnects and resyncs', 20_000)
      expect(slow.text().split('\n')).toHaveLength(n + 40 + 1)
      expect(writer.text()).toContain('written by the slow client while it was not reading')
    } finally {
      writer.destroy()
      slow.destroy()
      await srv.close()
    }
  })
})
