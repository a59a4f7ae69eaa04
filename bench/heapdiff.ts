/**
 * `npx tsx bench/heapdiff.ts [connections=2000] [documents=1000]`: where a
 * server's memory per connection goes. Starts the server with
 * --heapsnapshot-signal, takes a heap snapshot, connects raw y-websocket
 * clients (bench/workers/idle.ts), takes another, and prints the difference
 * per constructor. A diagnosis tool for the memory targets, not a benchmark:
 * taking a snapshot itself grows RSS, so the RSS figures here are not the
 * benchmark's.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sleep } from './lib/clock.ts'
import type { IdleApi } from './lib/idleApi.ts'
import { closeWorkers, spread, startWorkers } from './lib/ipc.ts'
import { renderTable } from './lib/report.ts'
import { startBenchServer, type BenchServer } from './lib/server.ts'
import { round } from './lib/stats.ts'
import { IDLE_WORKER } from './lib/typingRun.ts'

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

/**
 * Self size and count per "type:constructor" (objects and closures by name).
 * Internal arrays, the largest group, are named after what holds them
 * ("array in Receiver._buffers"), which says whose they are.
 */
function aggregate(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt, edgesAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size'), fields.indexOf('edge_count')]
  const efields = snap.snapshot.meta.edge_fields
  const etypes = snap.snapshot.meta.edge_types[0]
  const [etypeAt, enameAt, etoAt] = [efields.indexOf('type'), efields.indexOf('name_or_index'), efields.indexOf('to_node')]
  const nameOf = (node: number) => snap.strings[snap.nodes[node + nameAt]!]!
  // First retainer of each array node: "<holder constructor>.<edge name>".
  const holder = new Map<number, string>()
  for (let node = 0, edge = 0; node < snap.nodes.length; node += fields.length) {
    const count = snap.nodes[node + edgesAt]!
    for (let k = 0; k < count; k++, edge += efields.length) {
      const to = snap.edges[edge + etoAt]!
      if (types[snap.nodes[to + typeAt]!] !== 'array' || holder.has(to)) continue
      const etype = etypes[snap.edges[edge + etypeAt]!]
      const ename = etype === 'element' || etype === 'hidden' ? `[${etype}]` : snap.strings[snap.edges[edge + enameAt]!]
      holder.set(to, `${nameOf(node)}.${ename}`)
    }
  }
  const out = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!]!
    const key =
      type === 'object' || type === 'closure' ? `${type}:${nameOf(i)}` : type === 'array' ? `array in ${(holder.get(i) ?? '?').slice(0, 50)}` : `(${type})`
    const e = out.get(key) ?? { count: 0, bytes: 0 }
    e.count++
    e.bytes += snap.nodes[i + sizeAt]!
    out.set(key, e)
  }
  return out
}

async function snapshot(server: BenchServer, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir))
  process.kill(server.pid, 'SIGUSR2')
  // The file appears at once and grows while V8 writes it; done when its size holds.
  for (let last = -1, steady = 0; ; await sleep(250)) {
    const name = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'))
    if (!name) continue
    const size = fs.statSync(path.join(dir, name)).size
    steady = size > 0 && size === last ? steady + 1 : 0
    last = size
    if (steady >= 8) return path.join(dir, name)
  }
}

const connections = Number(process.argv[2] ?? 2000)
const documents = Number(process.argv[3] ?? 1000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quill-heap-'))
const server = await startBenchServer({ nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] })
try {
  await server.health()
  const a = aggregate(await snapshot(server, dir))
  const workers = await startWorkers<IdleApi>(IDLE_WORKER, 4)
  const parts = spread(Array.from({ length: connections }, (_, i) => `heap-${i % documents}`), 4)
  await Promise.all(workers.map((w, i) => w.call('open', { wsUrl: server.wsUrl, docIds: parts[i]!, concurrency: 32, timeoutMs: 60_000, renewAwarenessMs: 15_000 })))
  await sleep(2000)
  const b = aggregate(await snapshot(server, dir))
  await Promise.all(workers.map((w) => w.call('close', null)))
  await closeWorkers(workers)
  const rows = [...b]
    .map(([key, e]) => ({ key, count: e.count - (a.get(key)?.count ?? 0), bytes: e.bytes - (a.get(key)?.bytes ?? 0) }))
    .sort((x, y) => y.bytes - x.bytes)
  const total = rows.reduce((n, r) => n + r.bytes, 0)
  process.stdout.write(`${connections} connections over ${documents} documents: heap grew ${round(total / 2 ** 20, 1)} MiB, ${round(total / connections / 1024, 2)} KiB per connection\n\n`)
  process.stdout.write(
    `${renderTable({
      title: 'Heap growth by constructor',
      columns: ['constructor', 'count', 'KiB', 'bytes per connection'],
      rows: rows.slice(0, 30).map((r) => [r.key, r.count, round(r.bytes / 1024, 0), round(r.bytes / connections, 0)]),
    })}\n`,
  )
} finally {
  await server.stop()
  fs.rmSync(dir, { recursive: true, force: true })
}
