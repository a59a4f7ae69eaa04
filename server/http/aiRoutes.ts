import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { AiRequestSchema } from '../../shared/aiProtocol.ts'
import type { ServerContext } from '../context.ts'
import { AI_NOT_CONFIGURED_MESSAGE } from '../config.ts'
import { JobStateError, type AiJob } from '../ai/job.ts'
import { parseLastEventId, streamEvents } from '../ai/sse.ts'
import { ApiError } from './errors.ts'
import { docIdParam, jsonBody } from './validate.ts'
import { authorize, identify } from './authorize.ts'
import type { Role } from '../../shared/roles.ts'

const JobId = z.string().uuid()

export function aiRoutes(ctx: ServerContext) {
  const heartbeatMs = ctx.config.ai.heartbeatMs
  const jobs = () => {
    if (!ctx.ai || !ctx.ai.configured) throw new ApiError(503, 'ai_not_configured', AI_NOT_CONFIGURED_MESSAGE)
    return ctx.ai
  }
  const findJob = async (c: Context, min: Role): Promise<AiJob> => {
    const jobId = c.req.param('jobId') ?? ''
    if (!JobId.safeParse(jobId).success) throw new ApiError(400, 'bad_request', 'job id must be a UUID')
    const job = jobs().get(jobId)
    if (!job) throw new ApiError(404, 'not_found', 'no such AI job (it may have expired)')
    await authorize(c, ctx, job.docId, min)
    return job
  }
  const settle = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (err) {
      if (err instanceof JobStateError) throw new ApiError(409, 'conflict', err.message)
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
      const job = await ai.start(docId, request, person)
      return streamEvents(c, job.events, 0, heartbeatMs)
    })
    .get('/ai/jobs/:jobId/events', async (c) => {
      const job = await findJob(c, 'viewer')
      const from = parseLastEventId(c.req.header('Last-Event-ID'), c.req.query('lastEventId'), job.events.lastId)
      if (typeof from !== 'number') throw new ApiError(400, 'bad_request', from.error)
      return streamEvents(c, job.events, from, heartbeatMs)
    })
    .post('/ai/jobs/:jobId/cancel', async (c) => {
      const job = await findJob(c, 'editor')
      job.cancel()
      await job.finished
      return c.json({ status: job.status })
    })
    .post('/ai/jobs/:jobId/accept', async (c) => {
      const job = await findJob(c, 'editor')
      return c.json(settle(() => job.accept()))
    })
    .post('/ai/jobs/:jobId/discard', async (c) => {
      const job = await findJob(c, 'editor')
      return c.json(settle(() => ({ status: job.discard() })))
    })
}
