import fs from 'node:fs'
const p = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'))
const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]))
let t = p.startTime
const win = 250_000
const bins = new Map<number, Map<string, number>>()
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i]
  const dt = p.timeDeltas[i + 1] ?? 0
  const n = byId.get(p.samples[i])
  const name = n.callFrame.functionName || '(anon)'
  const b = Math.floor((t - p.startTime) / win)
  const m = bins.get(b) ?? bins.set(b, new Map()).get(b)!
  m.set(name, (m.get(name) ?? 0) + dt)
}
for (const [b, m] of [...bins].sort((a, b) => a[0] - b[0])) {
  const idle = m.get('(idle)') ?? 0
  const top = [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k}:${(v / 1000).toFixed(0)}`).join(' ')
  console.log(((b * win) / 1e6).toFixed(2), 'busy', ((win - idle) / 1000).toFixed(0), top)
}
