/**
 * The model client reads the upstream's SSE body itself (the SDK only makes
 * the request). These are the cases where that reading could differ from the
 * SDK's own stream iterator: bytes split anywhere, CRLF, extra fields, data
 * after [DONE], an error object or bad JSON mid-stream, a dropped
 * connection, an abort, and HTTP errors before the stream.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createModelClient, type StreamPart } from '../../server/ai/provider.ts'

type Answer = (res: http.ServerResponse) => void | Promise<void>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const event = (body: object) => `data: ${JSON.stringify(body)}\n\n`
const chunk = (delta: object, finish: string | null = null) =>
  event({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })
const usage = event({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })
const FULL = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Héllo 🌍' }) + chunk({ content: ' wörld' }) + chunk({}, 'stop') + usage + 'data: [DONE]\n\n'
const FULL_PARTS: StreamPart[] = [
  { type: 'text', text: 'Héllo 🌍' },
  { type: 'text', text: ' wörld' },
  { type: 'finish', reason: 'stop' },
  { type: 'usage', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } },
]
const sse = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' })

describe('model client stream parsing', () => {
  let server: http.Server
  let baseURL: string
  let answer: Answer = (res) => void res.end()
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => void answer(res))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  async function run(a: Answer, signal = new AbortController().signal): Promise<{ parts: StreamPart[]; error?: { name: string; code?: string; message: string; retryAfter?: number } }> {
    answer = a
    const parts: StreamPart[] = []
    const model = createModelClient({ apiKey: 'k', baseURL, model: 'm' })
    try {
      for await (const part of model.stream([{ role: 'user', content: 'x' }], { signal, maxTokens: 10, temperature: 0 })) parts.push(part)
      return { parts }
    } catch (err) {
      const e = err as { name: string; code?: string; message: string; retryAfter?: number }
      return { parts, error: { name: e.name, code: e.code, message: e.message, retryAfter: e.retryAfter } }
    }
  }

  it('reads text, finish reason and usage, whatever the byte boundaries', async () => {
    expect(await run((res) => void (sse(res), res.end(FULL)))).toEqual({ parts: FULL_PARTS })
    const split = await run(async (res) => {
      sse(res)
      const bytes = Buffer.from(FULL)
      for (let i = 0; i < bytes.length; i++) {
        res.write(bytes.subarray(i, i + 1))
        if (i % 5 === 0) await sleep(0)
      }
      res.end()
    })
    expect(split).toEqual({ parts: FULL_PARTS })
  })

  it('accepts CRLF line endings, event and comment lines, and ignores anything after [DONE]', async () => {
    expect(await run((res) => void (sse(res), res.end(FULL.replaceAll('\n', '\r\n'))))).toEqual({ parts: FULL_PARTS })
    expect(await run((res) => void (sse(res), res.end(`: comment\n\nevent: message\n${FULL}${chunk({ content: 'ignored' })}`)))).toEqual({ parts: FULL_PARTS })
  })

  it('an error object mid-stream fails the stream after the text before it', async () => {
    const r = await run((res) => void (sse(res), res.end(chunk({ content: 'a' }) + event({ error: { message: 'overloaded', type: 'server_error' } }))))
    expect(r.parts).toEqual([{ type: 'text', text: 'a' }])
    expect(r.error).toMatchObject({ name: 'AiFailure', code: 'upstream_error', message: 'The model stream failed: overloaded' })
  })

  it('bad JSON mid-stream fails the stream after the text before it', async () => {
    const r = await run((res) => void (sse(res), res.end(chunk({ content: 'a' }) + 'data: {nope\n\n' + chunk({ content: 'b' }))))
    expect(r.parts).toEqual([{ type: 'text', text: 'a' }])
    expect(r.error).toMatchObject({ name: 'AiFailure', code: 'upstream_error' })
    expect(r.error?.message).toMatch(/^The connection to the model endpoint was lost mid-stream \(.*JSON.*\)/)
  })

  it('a dropped connection is a lost connection', async () => {
    const r = await run(async (res) => {
      sse(res)
      res.write(chunk({ content: 'a' }))
      await sleep(20)
      res.socket?.destroy()
    })
    expect(r.parts).toEqual([{ type: 'text', text: 'a' }])
    expect(r.error).toMatchObject({ code: 'upstream_error', message: 'The connection to the model endpoint was lost mid-stream (terminated). The partial text can be discarded.' })
  })

  it('a stream without finish reason or final blank line just ends', async () => {
    expect(await run((res) => void (sse(res), res.end(chunk({ content: 'a' }) + chunk({}, 'stop').trimEnd())))).toEqual({ parts: [{ type: 'text', text: 'a' }] })
  })

  it('an abort ends the stream quietly and closes the upstream request', async () => {
    const ctrl = new AbortController()
    let closed!: Promise<void>
    const r = run(async (res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()))
      sse(res)
      res.write(chunk({ content: 'a' }))
      setTimeout(() => ctrl.abort(), 30)
      await sleep(5_000)
      res.end()
    }, ctrl.signal)
    expect(await r).toEqual({ parts: [{ type: 'text', text: 'a' }] })
    await closed
  })

  it('maps HTTP errors before the stream as before', async () => {
    const json = (status: number, headers: Record<string, string> = {}) => (res: http.ServerResponse) =>
      void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { message: 'nope' } }))
    expect((await run(json(429, { 'retry-after': '7' }))).error).toMatchObject({ code: 'rate_limited', retryAfter: 7 })
    expect((await run(json(401))).error).toMatchObject({ code: 'upstream_auth' })
    expect((await run(json(500))).error).toMatchObject({ code: 'upstream_error', message: 'The model endpoint failed (HTTP 500): 500 nope' })
    expect((await run(json(400))).error).toMatchObject({ code: 'upstream_error', message: 'The model endpoint rejected the request (HTTP 400): 400 nope' })
  })
})
