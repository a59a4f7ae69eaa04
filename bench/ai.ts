/**
 * AI streaming: 1, 20 and 100 concurrent jobs, each fed by a fake upstream
 * at 50 tokens/s, each writing into its own room with 10 real clients.
 * Reports the delay from a token leaving the upstream (in this process) to
 * its appearance in the remote clients' documents, the Yjs updates per
 * second per job, and the server's CPU per 1,000 tokens.
 */
import { createParser } from 'eventsource-parser'
import type { Benchmark, BenchContext } from './lib/bench.ts'
import { withServer } from './lib/bench.ts'
import type { ClientReport, ClientSpec, CollabApi } from './lib/collabApi.ts'
import { startFakeUpstream } from './lib/fakeUpstream.ts'
import { closeWorkers, LOAD_GENERATOR_NICE, spread, startWorkers, type WorkerHandle } from './lib/ipc.ts'
import { phaseCost, sampleMany, type PhaseCost } from './lib/proc.ts'
import { verdict, type Table } from './lib/report.ts'
import type { BenchServer } from './lib/server.ts'
import { distribution, msDistribution, round, type Distribution } from './lib/stats.ts'
import { COLLAB_WORKER, IDLE_WORKER, countConverged } from './lib/typingRun.ts'
import type { IdleApi } from './lib/idleApi.ts'

const CLIENTS_PER_ROOM = 10
const TOKENS_PER_SECOND = 50
const PARAGRAPH_TOKENS = 60

interface AiCaseResult {
  jobs: number
  clientsPerRoom: number
  tokens: number
  jobOutcomes: Record<string, number>
  latencyMs: Distribution
  /** Token latency at a raw probe connection per room (the server's own delivery, see workers/idle.ts). */
  probeMs: Distribution
  /** Per job: Yjs updates per second while its tokens streamed. */
  updatesPerSecond: Distribution
  upstreamTokensPerSecond: number
  server: PhaseCost
  loadGenerator: PhaseCost
  serverCpuPer1000TokensMs: number
  missingTokens: number
  convergedRooms: number
}

export const aiStreaming: Benchmark = {
  name: 'ai',
  title: 'AI streaming: concurrent jobs at 50 tokens/s into rooms of 10 clients',
  async run(ctx) {
    const cases = ctx.quick ? [1, 5] : [1, 20, 100]
    const durationS = ctx.quick ? 2 : 10
    const results: AiCaseResult[] = []
    for (const jobs of cases) {
      ctx.log(`  ${jobs} jobs × ${durationS} s, ${jobs * CLIENTS_PER_ROOM} clients`)
      const r = await aiCase(ctx, jobs, durationS * TOKENS_PER_SECOND, CLIENTS_PER_ROOM)
      ctx.log(`    p99 ${round(r.latencyMs.p99, 1)} ms, ${round(r.updatesPerSecond.mean, 1)} updates/s per job`)
      results.push(r)
    }
    const table: Table = {
      title: `AI streaming (${TOKENS_PER_SECOND} tokens/s per job, ${CLIENTS_PER_ROOM} clients per room, SQLite NORMAL)`,
      columns: ['jobs', 'tokens', 'outcomes', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'probe p50 ms', 'probe p99 ms', 'updates/s/job mean', 'max', 'server CPU %', 'server waited for a core %', 'CPU/1k tokens ms', 'load-gen CPU %', 'converged'],
      rows: results.map((r) => [
        r.jobs,
        r.tokens,
        Object.entries(r.jobOutcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        ...latencyCells(r),
        round(r.updatesPerSecond.mean, 1),
        round(r.updatesPerSecond.max, 1),
        round(r.server.cpuShare * 100, 1),
        round((r.server.runqueueWaitMs / r.server.wallMs) * 100, 1),
        round(r.serverCpuPer1000TokensMs, 1),
        round(r.loadGenerator.cpuShare * 100, 0),
        r.convergedRooms === r.jobs && r.missingTokens === 0 ? 'yes' : `NO (${r.convergedRooms}/${r.jobs} rooms, ${r.missingTokens} tokens missing)`,
      ]),
    }
    const notes: string[] = []
    const r100 = results.find((r) => r.jobs === 100)
    if (r100) {
      notes.push(
        `target AI 100 jobs token-to-remote p99 ≤ 60 ms: ${round(r100.latencyMs.p99, 1)} ms (${verdict(r100.latencyMs.p99, 60)}; server-side probe ${round(r100.probeMs.p99, 1)} ms) at ≤ 20 Yjs updates/s per job: max ${round(r100.updatesPerSecond.max, 1)} (${verdict(r100.updatesPerSecond.max, 20)})`,
      )
    }
    for (const r of results) notes.push(`${r.jobs} jobs: upstream delivered ${round(r.upstreamTokensPerSecond, 1)} tokens/s per job`)
    return { tables: [table], data: { workload: { cases, durationS, tokensPerSecond: TOKENS_PER_SECOND, clientsPerRoom: CLIENTS_PER_ROOM, paragraphTokens: PARAGRAPH_TOKENS }, results }, notes }
  },
}

/**
 * The AI issue's own figure: one job streaming into one room of 50 clients,
 * token-to-remote delay and the job's Yjs update rate.
 */
export const aiOneRoom: Benchmark = {
  name: 'ai-room',
  title: 'AI streaming: one job at 50 tokens/s into a room of 50 clients',
  async run(ctx) {
    const clients = ctx.quick ? 10 : 50
    const durationS = ctx.quick ? 2 : 10
    ctx.log(`  1 job × ${durationS} s, ${clients} clients`)
    const r = await aiCase(ctx, 1, durationS * TOKENS_PER_SECOND, clients)
    const table: Table = {
      title: `One AI job (${TOKENS_PER_SECOND} tokens/s) into one room, SQLite NORMAL`,
      columns: ['clients', 'tokens', 'outcome', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'probe p50 ms', 'probe p99 ms', 'Yjs updates/s', 'server CPU %', 'CPU/1k tokens ms', 'converged'],
      rows: [
        [
          clients,
          r.tokens,
          Object.keys(r.jobOutcomes).join(', '),
          ...latencyCells(r),
          round(r.updatesPerSecond.mean, 1),
          round(r.server.cpuShare * 100, 1),
          round(r.serverCpuPer1000TokensMs, 1),
          r.convergedRooms === 1 && r.missingTokens === 0 ? 'yes' : `NO (${r.missingTokens} tokens missing)`,
        ],
      ],
    }
    return { tables: [table], data: { workload: { clients, durationS, tokensPerSecond: TOKENS_PER_SECOND, paragraphTokens: PARAGRAPH_TOKENS }, result: r }, notes: [] }
  },
}

/** p50, p95, p99 and max at the clients, then p50 and p99 at the probe (ms). */
function latencyCells(r: AiCaseResult): number[] {
  return [r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.latencyMs.max, r.probeMs.p50, r.probeMs.p99].map((v) => round(v, 1))
}

async function aiCase(ctx: BenchContext, jobs: number, tokensPerJob: number, clientsPerRoom: number): Promise<AiCaseResult> {
  const sent = Array.from({ length: jobs }, () => new Float64Array(tokensPerJob).fill(Number.NaN))
  const upstream = await startFakeUpstream({
    tokensPerJob,
    tokensPerSecond: TOKENS_PER_SECOND,
    paragraphTokens: PARAGRAPH_TOKENS,
    onToken: (job, i, atUs) => (sent[job]![i] = atUs),
  })
  try {
    const env = {
      AI_MODEL: 'fake',
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: 'x',
      AI_MAX_CONCURRENT_JOBS: '200',
      // The defaults (120 jobs/min per server, burst 20) would refuse 100 jobs started at once.
      AI_SERVER_RATE_PER_MINUTE: '1000000',
    }
    return await withServer(ctx, `${jobs}-jobs-${clientsPerRoom}-clients`, { env }, (server) => streamJobs(ctx, server, jobs, tokensPerJob, clientsPerRoom, sent))
  } finally {
    await upstream.close()
  }
}

async function streamJobs(ctx: BenchContext, server: BenchServer, jobs: number, tokensPerJob: number, clientsPerRoom: number, sent: Float64Array[]): Promise<AiCaseResult> {
  const specs: ClientSpec[] = []
  for (let k = 0; k < jobs; k++) for (let c = 0; c < clientsPerRoom; c++) specs.push({ key: k * clientsPerRoom + c, docId: `ai-${k}` })
  const nWorkers = Math.min(4, specs.length)
  const workers = await startWorkers<CollabApi>(COLLAB_WORKER, nWorkers, { nice: LOAD_GENERATOR_NICE })
  // One more raw connection per room, in a process that does nothing else.
  const probe = (await startWorkers<IdleApi>(IDLE_WORKER, 1))[0]!
  try {
    const byWorker = spread(specs, nWorkers)
    const home = new Map<number, WorkerHandle<CollabApi>>()
    byWorker.forEach((list, i) => list.forEach((s) => home.set(s.key, workers[i]!)))
    await Promise.all(workers.map((w, i) => w.call('open', { wsUrl: server.wsUrl, clients: byWorker[i]!, observe: 'tokens', concurrency: 25, timeoutMs: 60_000 })))
    const anchors = await Promise.all(
      Array.from({ length: jobs }, (_, k) => home.get(k * clientsPerRoom)!.call('seed', { key: k * clientsPerRoom, paragraphs: 1, text: 'Bench room.' })),
    )
    await Promise.all(workers.map((w) => w.call('waitBlocks', { paragraphs: 1, timeoutMs: 60_000 })))
    await Promise.all(workers.map((w) => w.call('reset', null)))
    const probed = await probe.call('open', { wsUrl: server.wsUrl, docIds: Array.from({ length: jobs }, (_, k) => `ai-${k}`), concurrency: 8, timeoutMs: 60_000, renewAwarenessMs: 15_000, scanTokens: true })
    if (probed.failed > 0) throw new Error(`probe failed to connect: ${probed.errors.join('; ')}`)
    await probe.call('tokenArrivals', null)

    const pids = workers.map((w) => w.pid)
    const s0 = server.sample()
    const lg0 = sampleMany(pids)
    const outcomes = await Promise.all(anchors.map((a, k) => runJob(server.url, k, a.anchor)))
    const drained = await Promise.all(
      workers.map((w, i) => w.call('drain', { expected: byWorker[i]!.map((s): [number, number] => [s.key, tokensPerJob]), timeoutMs: 30_000 })),
    )
    const s1 = server.sample()
    const lg1 = sampleMany(pids)
    ctx.phases.push({ label: 'streaming', fromUs: s0.atUs, toUs: s1.atUs })
    const reports = (await Promise.all(workers.map((w) => w.call('collect', null)))).flat()
    const arrivals = (await probe.call('tokenArrivals', null)).flat

    const cost = phaseCost(s0, s1)
    const tokens = jobs * tokensPerJob
    const jobOutcomes: Record<string, number> = {}
    for (const o of outcomes) jobOutcomes[o] = (jobOutcomes[o] ?? 0) + 1
    return {
      jobs,
      clientsPerRoom,
      tokens,
      jobOutcomes,
      latencyMs: msDistribution(latencies(reports, sent)),
      probeMs: msDistribution(probeLatencies(arrivals, sent)),
      updatesPerSecond: distribution(updateRates(reports, jobs, clientsPerRoom)),
      upstreamTokensPerSecond: upstreamRate(sent),
      server: cost,
      loadGenerator: phaseCost(lg0, lg1),
      serverCpuPer1000TokensMs: cost.cpuMs / (tokens / 1000),
      missingTokens: drained.reduce((n, d) => n + d.missing, 0),
      convergedRooms: countConverged(reports),
    }
  } finally {
    await Promise.all(workers.map((w) => w.call('close', null).catch(() => null)))
    await probe.call('close', null).catch(() => null)
    await closeWorkers(workers)
    await closeWorkers([probe])
  }
}

/** Start job `k` and read its event stream to the end; resolves with how it ended. */
async function runJob(baseUrl: string, k: number, anchor: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/docs/ai-${k}/ai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ op: 'generate', instruction: `bench-job-${k}`, anchor: { from: anchor }, requester: { id: `bench-${k}`, name: `Bench ${k}` } }),
  })
  if (!res.ok || !res.body) return `HTTP ${res.status}`
  let outcome = 'no end event'
  const parser = createParser({
    onEvent: (e) => {
      if (e.event === 'done') outcome = (JSON.parse(e.data) as { status: string }).status
      else if (e.event === 'error') outcome = `error ${(JSON.parse(e.data) as { code: string }).code}`
    },
  })
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    parser.feed(value)
  }
  return outcome
}

function probeLatencies(flat: Float64Array, sent: readonly Float64Array[]): Float64Array {
  const out: number[] = []
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const at = sent[flat[i]!]?.[flat[i + 1]!]
    if (at !== undefined && !Number.isNaN(at)) out.push(flat[i + 2]! - at)
  }
  return Float64Array.from(out)
}

function latencies(reports: readonly ClientReport[], sent: readonly Float64Array[]): Float64Array {
  const out: number[] = []
  for (const r of reports) {
    for (let i = 0; i < r.tokenJobs.length; i++) {
      const at = sent[r.tokenJobs[i]!]?.[r.tokenIndexes[i]!]
      if (at !== undefined && !Number.isNaN(at)) out.push(r.tokenSeenUs[i]! - at)
    }
  }
  return Float64Array.from(out)
}

/**
 * Per job: the rate of Yjs updates one of its remote clients received,
 * counted between the first and the last (n updates span n-1 intervals), so
 * a writer that flushes at most every 50 ms scores at most 20/s.
 */
function updateRates(reports: readonly ClientReport[], jobs: number, clientsPerRoom: number): number[] {
  return Array.from({ length: jobs }, (_, k) => {
    const r = reports.find((x) => x.key === k * clientsPerRoom + 1)
    const seconds = r ? (r.lastUpdateUs - r.firstUpdateUs) / 1e6 : 0
    return r && seconds > 0 ? (r.remoteUpdates - 1) / seconds : Number.NaN
  })
}

function upstreamRate(sent: readonly Float64Array[]): number {
  const rates = sent.map((t) => (t.length - 1) / ((t[t.length - 1]! - t[0]!) / 1e6)).filter(Number.isFinite)
  return rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length)
}
