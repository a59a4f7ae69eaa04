/**
 * `npx tsx bench/profile.ts <file.cpuprofile> [topN]`: print where a profiled
 * server spent its time (self time per function, then per module).
 */
import { renderTable } from './lib/report.ts'
import { summarizeByModule, summarizeProfile } from './lib/profile.ts'
import { round } from './lib/stats.ts'

const [file, top] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: tsx bench/profile.ts <file.cpuprofile> [topN]\n')
  process.exit(2)
}
const s = summarizeProfile(file, Number(top ?? 30))
process.stdout.write(`${file}: ${round(s.totalMs / 1000, 1)} s profiled, ${round((s.totalMs - s.idleMs) / 1000, 2)} s busy\n\n`)
process.stdout.write(
  `${renderTable({ title: 'Top self time', columns: ['function', 'where', 'self ms', '% busy'], rows: s.top.map((e) => [e.fn, e.where, round(e.selfMs, 1), round(e.share * 100, 1)]) })}\n\n`,
)
process.stdout.write(
  `${renderTable({ title: 'By module', columns: ['module', 'self ms', '% busy'], rows: summarizeByModule(file).slice(0, 15).map((m) => [m.module, round(m.selfMs, 1), round(m.share * 100, 1)]) })}\n`,
)
