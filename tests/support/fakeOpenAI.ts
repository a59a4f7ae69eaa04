/**
 * A local OpenAI-compatible server for tests. It streams genuine
 * `chat.completion.chunk` events over SSE, and each request follows a script
 * the test sets: the tokens, their pacing, an error status, a stall, a
 * stream that ends without a finish reason, a connection dropped mid-stream,
 * or a pause until released.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Script {
  tokens?: string[]
  /** Delay before each token (ms). */
  delayMs?: number
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number
  headers?: Record<string, string>
  /** Stop sending (but keep the connection open) after this many tokens. */
  stallAfter?: number
  /** End the stream after the tokens without a finish_reason chunk. */
  noFinish?: boolean
  /** Destroy the TCP connection after this many tokens, mid-stream (no finish, no [DONE]). */
  dropAfter?: number
  /** Pause after this many tokens until `release()` is called. */
  pauseAfter?: number
  finishReason?: string
  /** Called as each token leaves the server (for latency measurements). */
  onToken?: (index: number, token: string) => void
}

export interface RecordedRequest {
  body: { model: string; messages: { role: string; content: string }[]; stream: boolean; max_tokens?: number }
  /** Resolves when the client closed the connection (e.g. on cancel). */
  closed: Promise<void>
  /** True if the client hung up before the response ended. */
  abortedByClient: () => boolean
}

export interface FakeOpenAI {
  url: string
  requests: RecordedRequest[]
  /** Scripts for the next requests, in order; the last one repeats. */
  script(...s: Script[]): void
  /** Let paused streams go on. */
  release(): void
  close(): Promise<void>
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  let scripts: Script[] = [{ tokens: ['Hello', ' world', '.'] }]
  const requests: RecordedRequest[] = []
  let releaseWaiters: (() => void)[] = []
  let released = false
  const sockets = new Set<import('node:net').Socket>()

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    let raw = ''
    req.on('data', (d: Buffer) => (raw += d.toString()))
    req.on('end', () => void respond(req, res, raw))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  async function respond(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const script = scripts.length > 1 ? scripts.shift()! : scripts[0]!
    let ended = false
    let aborted = false
    const closed = new Promise<void>((resolve) =>
      res.on('close', () => {
        if (!ended) aborted = true
        resolve()
      }),
    )
    requests.push({ body: JSON.parse(raw) as RecordedRequest['body'], closed, abortedByClient: () => aborted })
    if (script.status) {
      res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers })
      res.end(JSON.stringify({ error: { message: `fake upstream error ${script.status}`, type: 'fake_error', code: String(script.status) } }))
      ended = true
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers })
    const id = `chatcmpl-${Math.random().toString(36).slice(2)}`
    const created = Math.floor(Date.now() / 1000)
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`
    res.write(chunk({ role: 'assistant', content: '' }, null))
    const tokens = script.tokens ?? []
    for (let i = 0; i < tokens.length; i++) {
      if (aborted) return
      if (script.stallAfter !== undefined && i >= script.stallAfter) return // hold the connection open, silent
      if (script.dropAfter !== undefined && i >= script.dropAfter) {
        // What a crashed model server or a cut network looks like to the
        // client. The short wait lets the tokens already written reach it.
        await new Promise((r) => setTimeout(r, 20))
        res.socket?.destroy()
        return
      }
      if (script.pauseAfter !== undefined && i === script.pauseAfter && !released) await new Promise<void>((r) => releaseWaiters.push(r))
      if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs))
      if (aborted) return
      script.onToken?.(i, tokens[i]!)
      res.write(chunk({ content: tokens[i] }, null))
    }
    if (!script.noFinish) {
      res.write(chunk({}, script.finishReason ?? 'stop'))
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'fake-model', choices: [], usage: { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length } })}\n\n`)
    }
    res.write('data: [DONE]\n\n')
    ended = true
    res.end()
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...s) => {
      scripts = s
      released = false
    },
    release: () => {
      released = true
      for (const r of releaseWaiters.splice(0)) r()
    },
    close: async () => {
      for (const r of releaseWaiters.splice(0)) r()
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Split text into small tokens the way a model might (words and spaces, some split further). */
export function tokenize(text: string, seed = 1): string[] {
  const out: string[] = []
  let s = seed >>> 0
  let i = 0
  while (i < text.length) {
    s = (s * 1664525 + 1013904223) >>> 0
    const len = 1 + (s % 5)
    out.push(text.slice(i, i + len))
    i += len
  }
  return out
}
