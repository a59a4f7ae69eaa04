import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { AiRequestSchema } from '../../shared/aiProtocol.ts'
import type { ServerContext } from '../context.ts'
import { AI_NOT_CONFIGURED_MESSAGE } from '../config.ts'
import { JobStateError, type AiJob } from '../ai/job.ts'
import type { AiJobs } from '../ai/jobs.ts'
import { encodeFrame } from '../ai/eventLog.ts'
import type { JobHead } from '../ai/events/index.ts'
import { JobUnreachableError, type SharedJobs } from '../ai/sharedJobs.ts'
import { parseLastEventId, streamEvents, type EventFeed } from '../ai/sse.ts'
import { ApiError } from './errors.ts'
import { requestIdOf } from './requestLog.ts'
import { docIdParam, jsonBody } from './validate.ts'
import { authorize, identify } from './authorize.ts'
import type { Role } from '../../shared/roles.ts'

const JobId = z.string().uuid()

/** A job found for a request: running here, or (with several instances) on another instance. */
type Found = { local: AiJob } | { remote: JobHead; shared: SharedJobs; jobId: string }

export function aiRoutes(ctx: ServerContext) {
  const heartbeatMs = ctx.config.ai.heartbeatMs
  const jobs = (): AiJobs => {
    if (!ctx.ai || !ctx.ai.configured) throw new ApiError(503, 'ai_not_configured', AI_NOT_CONFIGURED_MESSAGE)
    return ctx.ai
  }
  const findJob = async (c: Context, min: Role): Promise<Found> => {
    const jobId = c.req.param('jobId') ?? ''
    if (!JobId.safeParse(jobId).success) throw new ApiError(400, 'bad_request', 'job id must be a UUID')
    const ai = jobs()
    const job = ai.get(jobId)
    if (job) {
      await authorize(c, ctx, job.docId, min)
      return { local: job }
    }
    const head = ai.shared ? await ai.shared.head(jobId) : null
    if (!head || !ai.shared) throw new ApiError(404, 'not_found', 'no such AI job (it may have expired)')
    await authorize(c, ctx, head.docId, min)
    return { remote: head, shared: ai.shared, jobId }
  }
  const settle = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof JobStateError) throw new ApiError(409, 'conflict', err.message)
      if (err instanceof JobUnreachableError) throw new ApiError(503, 'job_unreachable', err.message, { retryAfter: 2 })
      throw err
    }
  }

  return new Hono()
    .get('/ai/status', async (c) => {
      await identify(c, ctx)
      return c.json(ctx.ai ? ctx.ai.status() : { configured: false, model: null, message: AI_NOT_CONFIGURED_MESSAGE })
    })
    .post('/docs/:id/ai', async (c) => {
      const docId = docIdParam(c)
      const grant = await authorize(c, ctx, docId, 'editor')
      const ai = jobs()
      const request = await jsonBody(c, AiRequestSchema)
      // With tokens, the person is the token: its name labels the AI, and
      // its id is what the per-person limits count.
      const person = ctx.access.open ? `anon:${request.requester.id}` : `token:${grant.jti}`
      if (!ctx.access.open) request.requester.name = grant.name
      const job = await ai.start(docId, request, person, requestIdOf(c))
      return streamEvents(c, job.events, 0, heartbeatMs, ctx.metrics.sseOpen)
    })
    .get('/ai/jobs/:jobId/events', async (c) => {
      const found = await findJob(c, 'viewer')
      const lastId = 'local' in found ? found.local.events.lastId : found.remote.lastId
      const from = parseLastEventId(c.req.header('Last-Event-ID'), c.req.query('lastEventId'), lastId)
      if (typeof from !== 'number') throw new ApiError(400, 'bad_request', from.error)
      ctx.metrics.sseResumes.inc()
      if ('local' in found) return streamEvents(c, found.local.events, from, heartbeatMs, ctx.metrics.sseOpen)
      const { shared, jobId, remote } = found
      const feed: EventFeed = { follow: (after, onEvent, onEnd) => shared.follow(jobId, remote, after, onEvent, onEnd), frame: encodeFrame }
      return streamEvents(c, feed, from, heartbeatMs, ctx.metrics.sseOpen)
    })
    .post('/ai/jobs/:jobId/cancel', async (c) => {
      const found = await findJob(c, 'editor')
      if ('remote' in found) return c.json({ status: await settle(() => found.shared.cancel(found.jobId)) })
      const job = found.local
      job.cancel()
      await job.finished
      return c.json({ status: job.status })
    })
    .post('/ai/jobs/:jobId/accept', async (c) => {
      const found = await findJob(c, 'editor')
      if ('remote' in found) return c.json(await settle(() => found.shared.accept(found.jobId)))
      const result = await settle(() => found.local.accept())
      await jobs().shared?.settled(found.local.id, result)
      return c.json(result)
    })
    .post('/ai/jobs/:jobId/discard', async (c) => {
      const found = await findJob(c, 'editor')
      if ('remote' in found) return c.json({ status: await settle(() => found.shared.discard(found.jobId)) })
      const status = await settle(() => found.local.discard())
      await jobs().shared?.settled(found.local.id, { status: 'discarded' })
      return c.json({ status })
    })
}
