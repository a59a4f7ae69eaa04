/** Publish `n` numbered updates from one bus to a faulty one and record what the injector did. */
import type { Bus } from '../../server/bus/types.ts'
import type { FaultAction, FaultDecision, FaultyBus } from '../support/faultyBus.ts'
import { waitFor } from '../support/wait.ts'

export interface ScheduleRun {
  log: FaultDecision[]
  counts: Record<FaultAction, number>
  /** The `firstSeq` of each message as it arrived, copies and all. */
  received: number[]
}

export async function runSchedule({ from, to }: { from: Bus; to: FaultyBus }, n: number, docId = 'schedule'): Promise<ScheduleRun> {
  const received: number[] = []
  const sub = to.subscribe(docId, (m) => {
    if (m.type === 'update') received.push(m.firstSeq)
  })
  await sub.ready
  const before = to.log.length
  for (let seq = 1; seq <= n; seq++) from.publish(docId, { type: 'update', firstSeq: seq, updates: [new Uint8Array([seq & 0xff])] })
  await waitFor(() => to.log.length - before === n, `the injector to decide all ${n} messages`, 30_000)
  await to.settled()
  sub.close()
  return { log: to.log.slice(before), counts: to.counts(), received }
}
