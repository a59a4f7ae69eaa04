import { startBenchServer } from './lib/server.ts'
import { startWorkers, spread, closeWorkers } from './lib/ipc.ts'
import type { IdleApi } from './lib/idleApi.ts'
import { sleep } from './lib/clock.ts'
const nodeArgs = process.argv.slice(4)
const conns = Number(process.argv[2]), docs = Number(process.argv[3])
const server = await startBenchServer({ nodeArgs })
await server.health(); await sleep(500)
const a = server.sample()
const workers = await startWorkers<IdleApi>(new URL('./workers/idle.ts', import.meta.url).pathname, 4)
const parts = spread(Array.from({ length: conns }, (_, i) => `r-${i % docs}`), 4)
await Promise.all(workers.map((w, i) => w.call('open', { wsUrl: server.wsUrl, docIds: parts[i]!, concurrency: 32, timeoutMs: 60000, renewAwarenessMs: 15000 })))
const b = server.sample(); await sleep(2000); const c = server.sample()
console.log(nodeArgs.join(' ') || '(default)', conns, docs, 'rss base', a.rssKiB, 'after', b.rssKiB, 'settled', c.rssKiB, 'per conn', ((c.rssKiB - a.rssKiB) / conns).toFixed(2), 'KiB; cpu/conn', ((b.cpuMs - a.cpuMs) / conns).toFixed(3), 'ms')
await Promise.all(workers.map((w) => w.call('close', null))); await closeWorkers(workers); await server.stop()
