/**
 * The AI drafting protocol.
 *
 * A client starts a job with `POST /api/docs/:docId/ai` and a JSON body
 * (`AiRequest`). The response is the job's `text/event-stream`. The job runs
 * on the server as a peer in the room: it writes the model's output straight
 * into the shared Y.Doc, so every collaborator sees it, whether or not the
 * requester's HTTP connection survives.
 *
 * Every event has an increasing integer `id:` (1, 2, 3, ...) and JSON data:
 *
 *   start  -> { jobId, docId, op, requester, model }
 *   delta* -> { text }                       (raw model text, in order; chunking is
 *                                              arbitrary: about one delta per 50 ms)
 *   done   -> { status: 'completed' | 'cancelled', finishReason, usage }
 *   error  -> { code, message, retryAfter? }  (terminal, instead of done)
 *
 * A comment line (`: hb`) is sent every 15 s (AI_HEARTBEAT_MS) so proxies
 * keep the stream open. Every event-stream response announces that period
 * in an `X-Heartbeat-Ms` header: a client that hears nothing for a few
 * periods knows the connection is dead and resumes.
 *
 * Resumption: `GET /api/ai/jobs/:jobId/events` with `Last-Event-ID` (header, or
 * `?lastEventId=` for fetch clients) replays exactly the events after that id
 * and then follows live ones. With several instances, any instance serves
 * any job's stream (from the shared event store), and cancel, accept and
 * discard may be sent to any instance too. Anyone in the room can join a running job this
 * way; the job id is visible in the AI participant's awareness state.
 *
 * After `done`, the job waits for `POST .../accept` (keep) or `.../discard`
 * (take back exactly the job's own changes). `.../cancel` stops the model at
 * once and keeps what was written so far.
 */
import { z } from 'zod'
import type { ItemRanges } from './itemRanges.ts'

export const AI_OPS = ['generate', 'continue', 'rewrite', 'summarize'] as const
export type AiOp = (typeof AI_OPS)[number]

export const AI_PRESETS = ['improve', 'fix', 'shorter', 'longer', 'formal', 'casual', 'translate'] as const
export type AiPreset = (typeof AI_PRESETS)[number]

export const AI_PRESET_LABELS: Record<AiPreset, string> = {
  improve: 'Improve writing',
  fix: 'Fix spelling & grammar',
  shorter: 'Make shorter',
  longer: 'Make longer',
  formal: 'More formal',
  casual: 'More casual',
  translate: 'Translate',
}

/** Hard upper bound for the schema; the server's configured cap may be lower. */
export const AI_INSTRUCTION_HARD_MAX = 20_000

const base64 = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')

export const AiRequestSchema = z
  .object({
    op: z.enum(AI_OPS),
    instruction: z.string().trim().min(1).max(AI_INSTRUCTION_HARD_MAX).optional(),
    preset: z.enum(AI_PRESETS).optional(),
    /** Target language for the `translate` preset, e.g. "French". */
    language: z.string().trim().min(1).max(64).optional(),
    /** Base64 `Y.encodeRelativePosition` values in the `default` XmlFragment. */
    anchor: z.object({ from: base64, to: base64.optional() }).strict(),
    requester: z
      .object({
        /** Stable per-browser id; one running job per requester per document. */
        id: z.string().min(1).max(64),
        name: z.string().trim().min(1).max(64),
        color: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/)
          .optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((req, ctx) => {
    if (req.op === 'generate' && !req.instruction) {
      ctx.addIssue({ code: 'custom', path: ['instruction'], message: 'generate needs an instruction' })
    }
    if (req.op === 'rewrite') {
      if (!req.anchor.to) ctx.addIssue({ code: 'custom', path: ['anchor', 'to'], message: 'rewrite needs a selection (anchor.to)' })
      if (!req.instruction && !req.preset) {
        ctx.addIssue({ code: 'custom', path: ['instruction'], message: 'rewrite needs an instruction or a preset' })
      }
    }
    if (req.preset === 'translate' && !req.language) {
      ctx.addIssue({ code: 'custom', path: ['language'], message: 'the translate preset needs a language' })
    }
  })

export type AiRequest = z.infer<typeof AiRequestSchema>

export type AiJobStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'accepted' | 'discarded'

/**
 * When each is sent (a request the server refuses before a job exists, such
 * as AI not configured or a rate limit, is an HTTP error instead):
 * - upstream_auth: the model endpoint refused the API key (401/403).
 * - rate_limited: the model endpoint answered 429 (`retryAfter` when known).
 * - upstream_error: the model endpoint failed (5xx, network) or sent garbage.
 * - timeout: the model sent nothing for AI_TIMEOUT_MS.
 * - incomplete: the model's stream ended without a finish reason.
 * - anchor_lost: the place the AI was to write (the caret or the selection)
 *   was deleted before anything was written; the model is stopped.
 * - document_unavailable: the document was deleted, or its room closed,
 *   while the job ran.
 * - document_restored: someone restored an earlier version of the document
 *   while the job ran; its text so far is in the "before restore" version.
 * - instance_lost: the server instance running the job died (crashed, was
 *   killed, or stopped answering its cluster heartbeats) before the job
 *   ended. Another instance sends it to every stream of the job within a few
 *   seconds (the cluster's peer timeout). The text written so far stays in
 *   the document; the job can be neither accepted nor discarded any more.
 * - internal: a bug; the server logs it.
 */
export type AiErrorCode =
  | 'upstream_auth'
  | 'rate_limited'
  | 'upstream_error'
  | 'timeout'
  | 'incomplete'
  | 'anchor_lost'
  | 'document_unavailable'
  | 'document_restored'
  | 'instance_lost'
  | 'internal'

export interface AiUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
}

export type AiEvent =
  | {
      type: 'start'
      data: { jobId: string; docId: string; op: AiOp; requester: { id: string; name: string }; model: string }
    }
  | { type: 'delta'; data: { text: string } }
  | {
      type: 'done'
      data: { status: 'completed' | 'cancelled'; finishReason: string | null; usage: AiUsage | null }
    }
  | { type: 'error'; data: { code: AiErrorCode; message: string; retryAfter?: number } }

export type AiEventType = AiEvent['type']

/** An event as stored and replayed: its SSE id plus the typed payload. */
export type AiEventRecord = AiEvent & { id: number }

export function isTerminalEvent(e: AiEvent): boolean {
  return e.type === 'done' || e.type === 'error'
}

/** Response header of every AI event stream: the heartbeat interval in ms. */
export const AI_HEARTBEAT_HEADER = 'X-Heartbeat-Ms'

/** How long (ms) a finished job's events stay available for resumption. */
export const AI_EVENT_RETENTION_MS_DEFAULT = 10 * 60 * 1000

/**
 * The AI participant's awareness state (besides `user` and `cursor`). It
 * exists from the job's start until someone accepts or discards it (or it is
 * accepted automatically when its events expire), so every collaborator can
 * mark the job's text as pending.
 *
 * `items` are the Yjs items the job inserted (see itemRanges.ts), renewed
 * with the AI's caret (about every 250 ms). While it writes, `openFrom`
 * `[client, clock]` says that the server client's items from that clock on
 * are the job's too, so text written since the last renewal is marked at
 * once.
 */
export interface AiAwarenessState {
  jobId: string
  op: AiOp
  requesterId: string
  requesterName: string
  status: 'writing' | 'pending'
  items: ItemRanges
  openFrom: [client: number, clock: number] | null
}

/**
 * The answer to `POST /api/ai/jobs/:jobId/accept`. `history` is what the job
 * inserted and deleted, so the requester's editor can put the whole job on
 * its own undo stack as one step (Ctrl+Z right after Accept takes it back,
 * Ctrl+Shift+Z brings it back). Null when the job changed nothing.
 */
export interface AiAcceptResult {
  status: 'accepted'
  history: { insertions: ItemRanges; deletions: ItemRanges } | null
}

/** Parse one SSE message (event name + JSON data) into a typed event, or null. */
export function parseAiEvent(event: string | undefined, data: string): AiEvent | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null) return null
  switch (event) {
    case 'start':
    case 'delta':
    case 'done':
    case 'error':
      return { type: event, data: parsed } as AiEvent
    default:
      return null
  }
}
