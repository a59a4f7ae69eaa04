/**
 * A rolling deploy behind nginx: each of three instances in turn drains
 * (its AI jobs finish), closes (its sockets with 1001) and comes back on its
 * port, while y-websocket clients on the nginx address keep typing and an AI
 * job runs. Nothing typed is lost, the job completes with all its text, and
 * a follower of the job's stream that nginx moves between instances sees
 * every event once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { anchorInBlock, requester, resumeJob, startJob } from '../support/aiClient.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { paragraphDoc } from './aiInstances.ts'
import { announceNginxStackSkip, paragraphStored, startNginxStack, type NginxStack } from './behindNginx.ts'
import { converged, describeDivergence, editConcurrently } from './instances.ts'

const skip = announceNginxStackSkip('tests/scale/nginxRolling.test.ts')

/**
 * Follow a job's events through `baseUrl` as the editor does: when the
 * stream is cut (its instance went away), resume after the last event seen,
 * wherever the proxy sends the request, until `done` or `error`.
 */
async function follow(baseUrl: string, jobId: string): Promise<{ events: AiEventRecord[]; resumes: number }> {
  const events: AiEventRecord[] = []
  let resumes = 0
  for (;;) {
    const run = await resumeJob(baseUrl, jobId, events.at(-1)?.id ?? 0).catch(() => null)
    if (run?.status === 200) {
      await run.ended
      events.push(...run.events)
      const last = events.at(-1)
      if (last?.type === 'done' || last?.type === 'error') return { events, resumes }
    }
    resumes++
    await sleep(50)
  }
}

describe.skipIf(skip)('a rolling restart behind nginx', () => {
  let stack: NginxStack
  const clients: TestClient[] = []
  beforeAll(async () => {
    stack = await startNginxStack()
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await stack?.close()
  })

  it('restarting every instance in turn under typing and a running AI job loses nothing and finishes the job', async () => {
    const { nginx, upstream, servers } = stack
    const writer = await paragraphDoc(nginx.wsUrl, 'rolling')
    clients.push(writer)
    await paragraphStored(servers, 'rolling')
    const typists = await Promise.all(Array.from({ length: 5 }, () => connectSynced(nginx.wsUrl, 'rolling')))
    clients.push(...typists)

    // About 3 s of model output: long enough to span the restarts before its own instance's.
    const response = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + '.'
    upstream.script({ tokens: tokenize(response, 5), delayMs: 40 })
    const job = await startJob(nginx.url, 'rolling', { op: 'generate', instruction: 'x', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() })
    expect(job.status).toBe(200)
    const jobId = await waitFor(() => job.jobId(), 'the job started')
    const jobInstance = servers.findIndex((s) => s.server.context.ai?.health().runningJobs === 1)
    expect(jobInstance).toBeGreaterThanOrEqual(0)
    // Three followers: round-robin puts them on three instances, so some are cut by a restart mid-job.
    const followers = [follow(nginx.url, jobId), follow(nginx.url, jobId), follow(nginx.url, jobId)]

    // Typing all along: insert-only, so every word must survive.
    let typing = true
    const typed: string[] = []
    const typingDone = (async () => {
      for (let round = 0; typing; round++) typed.push(...(await editConcurrently(typists, 1, round, { insertOnly: true, tag: `r${round}t` })))
    })()

    // The job's instance last: its drain must let the running job finish.
    const order = [0, 1, 2].filter((i) => i !== jobInstance).concat(jobInstance)
    const runningAfter: boolean[] = []
    for (const i of order) {
      await stack.restart(i)
      runningAfter.push(!job.events.some((e) => e.type === 'done'))
      await sleep(150)
    }
    // The job spanned the first restarts, and the last one (its own instance) waited for it.
    expect(runningAfter.slice(0, 2)).toEqual([true, true])
    typing = false
    await typingDone

    await job.ended
    const done = job.events.at(-1)
    expect(done?.type).toBe('done')
    if (done?.type === 'done') expect(done.data.status).toBe('completed')

    const followed = await Promise.all(followers)
    for (const f of followed) expect(f.events.map((e) => e.id)).toEqual(job.events.map((e) => e.id))
    expect(job.events.map((e) => e.id)).toEqual(Array.from({ length: job.events.length }, (_, i) => i + 1))
    expect(followed.some((f) => f.resumes > 0)).toBe(true)

    const everyone = [writer, ...typists]
    await waitFor(() => converged(everyone, stack.servers, 'rolling'), `convergence (${describeDivergence(everyone)})`, 20_000)
    const text = writer.text()
    // The typists typed into the AI's paragraph too: its words, in order, with theirs around them.
    expect(text.match(/word\d+\.?/g)?.join(' ')).toBe(response)
    const missing = typed.filter((w) => !text.includes(w))
    expect(missing).toEqual([])
    expect(typed.length).toBeGreaterThan(20)
    // And a late joiner, on whichever instance, has all of it.
    const late = await connectSynced(nginx.wsUrl, 'rolling')
    clients.push(late)
    await waitFor(() => late.text() === text, 'late joiner has everything')
  })
})
