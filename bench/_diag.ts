import { startBenchServer } from './lib/server.ts'
import { startWorkers, spread } from './lib/ipc.ts'
import type { CollabApi, ClientSpec } from './lib/collabApi.ts'
import { COLLAB_WORKER } from './lib/typingRun.ts'
import { nowUs } from './lib/clock.ts'
import fs from 'node:fs'
const N = Number(process.argv[2] ?? 100), W = Number(process.argv[3] ?? 4), secs = Number(process.argv[4] ?? 10)
const server = await startBenchServer({ ...(process.env.PROF ? { profileDir: process.env.PROF } : {}) })
const workers = await startWorkers<CollabApi>(COLLAB_WORKER, W)
const specs: ClientSpec[] = Array.from({ length: N }, (_, k) => ({ key: k, docId: 'd' }))
const by = spread(specs, W)
await Promise.all(workers.map((w, i) => w.call('open', { wsUrl: server.wsUrl, clients: by[i]!, observe: 'markers', concurrency: 25, timeoutMs: 60000 })))
await workers[0]!.call('seed', { key: 0, paragraphs: 5, text: '' })
await Promise.all(workers.map((w) => w.call('waitBlocks', { paragraphs: 5, timeoutMs: 60000 })))
await Promise.all(workers.map((w) => w.call('reset', null)))
const start = nowUs() + 300000
await Promise.all(workers.map((w, i) => w.call('type', { writers: by[i]!.filter((s) => s.key < 5).map((s) => ({ key: s.key, paragraph: s.key, count: secs * 10, intervalMs: 100, startAtUs: start + s.key * 20000 })) })))
await new Promise((r) => setTimeout(r, 3000))
const reps = (await Promise.all(workers.map((w) => w.call('collect', null)))).flat()
const perInsert = new Map<number, { min: number; max: number; minKey: number }>()
for (const r of reps) for (let i = 0; i < r.latenciesUs.length; i++) { const k = r.sentUs[i]!; const l = r.latenciesUs[i]!; const e = perInsert.get(k); if (!e) perInsert.set(k, { min: l, max: l, minKey: r.key }); else { if (l < e.min) { e.min = l; e.minKey = r.key }; if (l > e.max) e.max = l } }
const rows = [...perInsert].sort((a, b) => a[0] - b[0]).map(([k, e]) => ({ at: k, min: e.min, max: e.max }))
fs.writeFileSync('/tmp/diag-inserts.json', JSON.stringify({ start, rows }))
const bad = rows.filter((r) => r.min > 20000)
console.log('inserts', rows.length, 'first-observer > 20ms:', bad.length)
for (const r of bad.slice(0, 30)) console.log(((r.at - start) / 1000).toFixed(0), 'ms  first', (r.min / 1000).toFixed(1), 'last', (r.max / 1000).toFixed(1))
await Promise.all(workers.map((w) => w.call('close', null)))
for (const w of workers) await w.close()
await server.stop()
