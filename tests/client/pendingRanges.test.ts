/**
 * Which items the pending mark covers: a job's published items, plus (while
 * it is the only job writing) everything the server's client wrote since
 * its last renewal.
 */
import { describe, expect, it } from 'vitest'
import type { AiAwarenessState } from '../../shared/aiProtocol.ts'
import { pendingJobs } from '../../client/src/ai/pendingRanges.ts'

function job(jobId: string, status: AiAwarenessState['status'], items: AiAwarenessState['items'], openFrom: AiAwarenessState['openFrom']): AiAwarenessState {
  return { jobId, op: 'continue', requesterId: `r-${jobId}`, requesterName: jobId, status, items, openFrom }
}

describe('pendingJobs', () => {
  it('turns item ranges into [client, from, to) and opens the writing job to the end', () => {
    const [a] = pendingJobs([job('a', 'writing', [[7, [0, 5, 9, 3]]], [7, 12])])
    expect(a?.ranges).toEqual([
      [7, 0, 5],
      [7, 9, 12],
      [7, 12, Number.POSITIVE_INFINITY],
    ])
  })

  it('a pending job has only its items', () => {
    const [a] = pendingJobs([job('a', 'pending', [[7, [0, 5]]], [7, 5])])
    expect(a?.ranges).toEqual([[7, 0, 5]])
  })

  it('with two jobs writing, neither claims the newest items', () => {
    const jobs = pendingJobs([job('a', 'writing', [[7, [0, 5]]], [7, 9]), job('b', 'writing', [[7, [5, 4]]], [7, 9])])
    expect(jobs.map((j) => j.ranges)).toEqual([[[7, 0, 5]], [[7, 5, 9]]])
  })
})
