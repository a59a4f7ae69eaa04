/**
 * A fixed CPU workload timed before each benchmark: how fast this machine
 * was at that moment. On a shared virtual machine the same code can run at
 * half speed when neighbours are busy, and this number says so, where a
 * load average would not (the neighbours are outside this VM).
 */
import * as Y from 'yjs'

/** Milliseconds of CPU for 20,000 small Yjs inserts plus encoding them (lower is faster). */
export function calibrate(): number {
  const best: number[] = []
  for (let round = 0; round < 3; round++) {
    const t0 = process.cpuUsage()
    const doc = new Y.Doc()
    const text = doc.getText('t')
    for (let i = 0; i < 20_000; i++) text.insert((i * 7919) % (text.length + 1), 'ab')
    Y.encodeStateAsUpdate(doc)
    doc.destroy()
    const t = process.cpuUsage(t0)
    best.push((t.user + t.system) / 1000)
  }
  return Math.min(...best)
}
