/**
 * CPU per upstream chunk of reading a streamed chat completion: the `openai`
 * SDK's stream iterator against reading the raw response body (the SDK still
 * makes the request) with `eventsource-parser`, and the provider as it is in
 * server/ai/provider.ts.
 *
 *   npx tsx bench/aiParse.ts [rounds=3]
 *   npx tsx bench/aiParse.ts jobs [jobs=40] [seconds=5]
 *
 * The fake upstream (tests/support/fakeOpenAI.ts) runs in a child process, so
 * only the reading side's CPU is counted (`process.cpuUsage`, user + system,
 * GC included). Two shapes:
 * - paced: 50 streams × 1,000 chunks, one chunk per millisecond each. Chunks
 *   arrive one per socket read, as in production (and `npm run bench -- ai`).
 * - burst: 1 stream × 50,000 chunks written at once, so one read carries
 *   many chunks; the per-read costs are spread thin.
 * Each variant turns the chunks into the provider's `StreamPart`s and
 * consumes them the way the job does (one `for await` over the parts).
 *
 * `jobs` measures the whole AI path instead: the real server in its own
 * process (bench/lib/server.ts), `jobs` concurrent jobs fed at 50 tokens/s by
 * bench/lib/fakeUpstream.ts, one y-websocket client per room and the
 * requester reading the event stream. It reports the server's CPU per token
 * (from /proc) and the SSE events per token; with AIPARSE_PROFILE=<dir> it
 * also profiles the server and prints where the streaming phase went.
 */
import { fork } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import OpenAI from 'openai'
import { createParser } from 'eventsource-parser'
import { createModelClient, type StreamPart } from '../server/ai/provider.ts'
import { startFakeOpenAI, tokenize } from '../tests/support/fakeOpenAI.ts'
import { anchorInBlock } from '../tests/support/aiClient.ts'
import { appendParagraph, connectSynced, fragmentText } from '../tests/support/clients.ts'
import { DOC_FIELD } from '../shared/editorSchema.ts'
import { startFakeUpstream, tokenText } from './lib/fakeUpstream.ts'
import { newestProfile, startBenchServer } from './lib/server.ts'
import { summarizeByModule, summarizeProfile } from './lib/profile.ts'
import { sleep, waitUntil } from './lib/clock.ts'

interface Shape {
  name: string
  streams: number
  tokensPerStream: number
  delayMs: number
}

const SHAPES: Shape[] = [
  { name: 'paced', streams: 50, tokensPerStream: 1000, delayMs: 1 },
  { name: 'burst', streams: 1, tokensPerStream: 50_000, delayMs: 0 },
]

type Reader = (baseURL: string, signal: AbortSignal) => AsyncIterable<StreamPart | StreamPart[]>

const MESSAGES = [{ role: 'user' as const, content: 'bench' }]
const REQUEST = { model: 'fake-model', messages: MESSAGES, stream: true as const, max_tokens: 100_000, temperature: 0.7, stream_options: { include_usage: true } }

function sdkClient(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'x', baseURL, maxRetries: 0, timeout: 10 * 60_000 })
}

/** The provider before this change: the SDK's own stream iterator. */
async function* sdkIterator(baseURL: string, signal: AbortSignal): AsyncIterable<StreamPart> {
  const stream = await sdkClient(baseURL).chat.completions.create(REQUEST, { signal })
  for await (const chunk of stream) {
    for (const choice of chunk.choices ?? []) {
      const text = choice.delta?.content
      if (text) yield { type: 'text', text }
      if (choice.finish_reason) yield { type: 'finish', reason: choice.finish_reason }
    }
    if (chunk.usage) {
      yield { type: 'usage', usage: { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens } }
    }
  }
}

let reads = 0

/** SDK request, raw body: one generator step per parsed chunk. */
async function* rawPerPart(baseURL: string, signal: AbortSignal): AsyncIterable<StreamPart> {
  const response = await sdkClient(baseURL).chat.completions.create(REQUEST, { signal }).asResponse()
  const parts: StreamPart[] = []
  const parser = createParser({ onEvent: (e) => e.data !== '[DONE]' && collect(JSON.parse(e.data) as OpenAI.ChatCompletionChunk, parts) })
  const decoder = new TextDecoder()
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    reads++
    parser.feed(decoder.decode(value, { stream: true }))
    for (const p of parts) yield p
    parts.length = 0
  }
}

/** SDK request, raw body: one generator step per socket read (a batch of parts). */
async function* rawPerRead(baseURL: string, signal: AbortSignal): AsyncIterable<StreamPart[]> {
  const response = await sdkClient(baseURL).chat.completions.create(REQUEST, { signal }).asResponse()
  let parts: StreamPart[] = []
  const parser = createParser({ onEvent: (e) => e.data !== '[DONE]' && collect(JSON.parse(e.data) as OpenAI.ChatCompletionChunk, parts) })
  const decoder = new TextDecoder()
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(decoder.decode(value, { stream: true }))
    if (parts.length > 0) {
      yield parts
      parts = []
    }
  }
}

/**
 * Not the SDK at all: node:http and the same parser. The floor for reading
 * the body without fetch's web streams, for reference.
 */
async function* nodeHttp(baseURL: string, signal: AbortSignal): AsyncIterable<StreamPart[]> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(`${baseURL}/chat/completions`, { method: 'POST', agent, signal, headers: { 'content-type': 'application/json', authorization: 'Bearer x' } }, resolve)
    req.on('error', reject)
    req.end(JSON.stringify(REQUEST))
  })
  res.setEncoding('utf8')
  let parts: StreamPart[] = []
  const parser = createParser({ onEvent: (e) => e.data !== '[DONE]' && collect(JSON.parse(e.data) as OpenAI.ChatCompletionChunk, parts) })
  for await (const text of res) {
    parser.feed(text as string)
    if (parts.length > 0) {
      yield parts
      parts = []
    }
  }
}
const agent = new http.Agent({ keepAlive: true })

function collect(chunk: OpenAI.ChatCompletionChunk, out: StreamPart[]): void {
  for (const choice of chunk.choices ?? []) {
    const text = choice.delta?.content
    if (text) out.push({ type: 'text', text })
    if (choice.finish_reason) out.push({ type: 'finish', reason: choice.finish_reason })
  }
  if (chunk.usage) out.push({ type: 'usage', usage: { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens } })
}

/** server/ai/provider.ts as it is now. */
function provider(baseURL: string, signal: AbortSignal): AsyncIterable<StreamPart | StreamPart[]> {
  return createModelClient({ apiKey: 'x', baseURL, model: 'fake-model' }).stream(MESSAGES, { signal, maxTokens: 100_000, temperature: 0.7 })
}

const VARIANTS: [string, Reader][] = [
  ['sdk iterator (before)', sdkIterator],
  ['raw body + eventsource-parser, per part', rawPerPart],
  ['raw body + eventsource-parser, per read', rawPerRead],
  ['server/ai/provider.ts (now)', provider],
  ['node:http + eventsource-parser (no fetch; floor)', nodeHttp],
]

async function consume(read: Reader, baseURL: string): Promise<number> {
  let chars = 0
  let finished = false
  const take = (p: StreamPart) => {
    if (p.type === 'text') chars += p.text.length
    else if (p.type === 'finish') finished = true
  }
  for await (const item of read(baseURL, new AbortController().signal)) {
    if (Array.isArray(item)) for (const p of item) take(p)
    else take(item)
  }
  if (!finished) throw new Error('stream ended without a finish reason')
  return chars
}

async function measure(read: Reader, baseURL: string, shape: Shape, expectChars: number): Promise<number> {
  global.gc?.()
  const before = process.cpuUsage()
  const chars = await Promise.all(Array.from({ length: shape.streams }, () => consume(read, baseURL)))
  const cpu = process.cpuUsage(before)
  for (const c of chars) if (c !== expectChars) throw new Error(`expected ${expectChars} characters, read ${c}`)
  return (cpu.user + cpu.system) / (shape.streams * shape.tokensPerStream)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function upstreamProcess(): Promise<void> {
  const upstream = await startFakeOpenAI()
  process.on('message', (m: { tokens: string[]; delayMs: number } | 'close') => {
    if (m === 'close') return void upstream.close().then(() => process.exit(0))
    upstream.script({ tokens: m.tokens, delayMs: m.delayMs })
    process.send!('ok')
  })
  process.send!(upstream.url)
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3)
  const child = fork(fileURLToPath(import.meta.url), ['--upstream'], { execArgv: ['--import', 'tsx'] })
  const next = () => new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))))
  const baseURL = await next()
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ') + '\n\n'
  try {
    for (const shape of SHAPES) {
      const tokens = tokenize(words.repeat(Math.ceil((shape.tokensPerStream * 3) / words.length) + 1), 7).slice(0, shape.tokensPerStream)
      const expectChars = tokens.join('').length
      child.send({ tokens, delayMs: shape.delayMs })
      await next()
      const results = new Map<string, number[]>(VARIANTS.map(([name]) => [name, []]))
      // One warm-up round (JIT, connection pool), then interleaved rounds.
      for (let r = 0; r <= rounds; r++) {
        for (const [name, read] of VARIANTS) {
          reads = 0
          const us = await measure(read, baseURL, shape, expectChars)
          if (r > 0) results.get(name)!.push(us)
          if (r > 0 && name.includes('per part') && r === 1) console.log(`  (${shape.name}: ${((shape.streams * shape.tokensPerStream) / reads).toFixed(2)} chunks per body read)`)
        }
      }
      console.log(`${shape.name}: ${shape.streams} streams × ${shape.tokensPerStream} chunks, CPU µs per chunk (median of ${rounds}; all rounds)`)
      for (const [name, xs] of results) console.log(`  ${name.padEnd(50)} ${median(xs).toFixed(2).padStart(7)}   [${xs.map((x) => x.toFixed(2)).join(', ')}]`)
    }
  } finally {
    child.send('close')
  }
}

async function jobsMain(jobs: number, seconds: number): Promise<void> {
  const tokensPerJob = seconds * 50
  const paragraphTokens = 60
  const upstream = await startFakeUpstream({ tokensPerJob, tokensPerSecond: 50, paragraphTokens, onToken: () => {} })
  const profileDir = process.env.AIPARSE_PROFILE
  const server = await startBenchServer({ ...(profileDir ? { profileDir } : {}), env: { AI_MODEL: 'fake', OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: 'x', AI_MAX_CONCURRENT_JOBS: '1000', AI_SERVER_RATE_PER_MINUTE: '1000000' } })
  const clients = await Promise.all(Array.from({ length: jobs }, (_, k) => connectSynced(server.wsUrl, `parse-${k}`)))
  let window: { fromUs: number; toUs: number } | null = null
  try {
    const anchors = clients.map((c) => {
      appendParagraph(c.doc, 'Bench room.')
      return anchorInBlock(c.doc, 0, 0)
    })
    await sleep(500)
    const idle0 = server.sample()
    await sleep(1000)
    const idle1 = server.sample()
    const idleMsPerS = idle1.cpuMs - idle0.cpuMs
    const s0 = server.sample()
    const counts = await Promise.all(anchors.map((anchor, k) => readJob(server.url, k, anchor)))
    const s1 = server.sample()
    window = { fromUs: s0.atUs, toUs: s1.atUs }
    const expected = Array.from({ length: tokensPerJob }, (_, i) => tokenText(0, i, paragraphTokens)).join('').length
    for (const [k, c] of counts.entries()) {
      const want = Array.from({ length: tokensPerJob }, (_, i) => tokenText(k, i, paragraphTokens)).join('')
      if (c.text !== want || c.outcome !== 'done') throw new Error(`job ${k}: ${c.outcome}, ${c.text.length} of ${expected} characters`)
    }
    await waitUntil(() => clients.every((c) => fragmentText(c.doc.getXmlFragment(DOC_FIELD)).length > 0), 'documents', 10_000)
    const tokens = jobs * tokensPerJob
    const wallS = (s1.atUs - s0.atUs) / 1e6
    const cpuMs = s1.cpuMs - s0.cpuMs - idleMsPerS * wallS
    const deltas = counts.reduce((n, c) => n + c.deltas, 0)
    console.log(`${jobs} jobs × ${tokensPerJob} tokens at 50 tokens/s (${jobs * 50} tokens/s), ${wallS.toFixed(1)} s`)
    console.log(`  server CPU ${(((s1.cpuMs - s0.cpuMs) / (wallS * 1000)) * 100).toFixed(1)}% of a core (idle ${(idleMsPerS / 10).toFixed(1)}% subtracted)`)
    console.log(`  server CPU per token ${((cpuMs * 1000) / tokens).toFixed(1)} µs (kernel ${(((s1.sysMs - s0.sysMs) * 1000) / tokens).toFixed(1)} µs)`)
    console.log(`  delta events per token ${(deltas / tokens).toFixed(3)}`)
  } finally {
    for (const c of clients) c.destroy()
    await server.stop()
    await upstream.close()
  }
  const file = profileDir ? newestProfile(profileDir) : null
  if (file && window) {
    console.log(`  profile ${file} (streaming phase), by module:`)
    for (const m of summarizeByModule(file, [window]).slice(0, 12)) console.log(`    ${(m.share * 100).toFixed(1).padStart(5)}%  ${m.module}`)
    console.log('  top functions:')
    for (const e of summarizeProfile(file, 30, [window]).top) console.log(`    ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.fn}  ${e.where}`)
  }
}

/** Start job `k` and read its event stream to the end. */
async function readJob(baseUrl: string, k: number, anchor: string): Promise<{ outcome: string; deltas: number; text: string }> {
  const res = await fetch(`${baseUrl}/api/docs/parse-${k}/ai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ op: 'generate', instruction: `bench-job-${k}`, anchor: { from: anchor }, requester: { id: `bench-${k}`, name: `Bench ${k}` } }),
  })
  if (!res.ok || !res.body) return { outcome: `HTTP ${res.status}`, deltas: 0, text: '' }
  let outcome = 'no end event'
  let deltas = 0
  let text = ''
  const parser = createParser({
    onEvent: (e) => {
      if (e.event === 'delta') {
        deltas++
        text += (JSON.parse(e.data) as { text: string }).text
      } else if (e.event === 'done' || e.event === 'error') outcome = e.event
    },
  })
  const decoder = new TextDecoder()
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(decoder.decode(value, { stream: true }))
  }
  return { outcome, deltas, text }
}

if (process.argv.includes('--upstream')) void upstreamProcess()
else if (process.argv[2] === 'jobs') await jobsMain(Number(process.argv[3] ?? 40), Number(process.argv[4] ?? 5))
else await main()
