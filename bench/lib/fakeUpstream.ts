/**
 * An OpenAI-compatible streaming endpoint for the AI benchmark, run in the
 * coordinator process. Each request names its job in the prompt
 * (`bench-job-<k>`); the answer streams `tokensPerJob` tokens at an exact
 * rate (token i leaves at start + i/rate, not after a chain of timers that
 * drifts), and `onToken` records when each one was written to the socket.
 *
 * Tokens are words `j<k>t<i>x` that carry their own id, in paragraphs of
 * `paragraphTokens` words like model prose; they contain nothing the
 * markdown writer would hold back.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { nowUs, sleepUntil } from './clock.ts'

export interface FakeUpstreamOptions {
  tokensPerJob: number
  tokensPerSecond: number
  paragraphTokens: number
  onToken: (job: number, index: number, atUs: number) => void
}

export interface FakeUpstream {
  url: string
  close(): Promise<void>
}

export function tokenText(job: number, i: number, paragraphTokens: number): string {
  const first = i % paragraphTokens === 0
  const last = i % paragraphTokens === paragraphTokens - 1
  return `${first ? '' : ' '}j${job}t${i}x${last ? '\n\n' : ''}`
}

export async function startFakeUpstream(o: FakeUpstreamOptions): Promise<FakeUpstream> {
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => void answer(body, res))
  })
  server.on('connection', (s) => {
    s.setNoDelay(true)
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  async function answer(body: string, res: http.ServerResponse): Promise<void> {
    const m = /bench-job-(\d+)/.exec(body)
    if (!m) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no bench job id in the prompt' } }))
      return
    }
    const job = Number(m[1])
    let closed = false
    res.on('close', () => (closed = true))
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const id = `chatcmpl-bench-${job}`
    const created = Math.floor(Date.now() / 1000)
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`
    res.write(chunk({ role: 'assistant', content: '' }, null))
    const start = nowUs()
    for (let i = 0; i < o.tokensPerJob; i++) {
      await sleepUntil(start + (i * 1e6) / o.tokensPerSecond)
      if (closed) return
      o.onToken(job, i, nowUs())
      res.write(chunk({ content: tokenText(job, i, o.paragraphTokens) }, null))
    }
    res.write(chunk({}, 'stop'))
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'fake', choices: [], usage: { prompt_tokens: 10, completion_tokens: o.tokensPerJob, total_tokens: 10 + o.tokensPerJob } })}\n\n`)
    res.end('data: [DONE]\n\n')
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
