/** What the AI panel shows: one job of mine in this document at a time. */
import type { AiOp } from '../../../shared/index.ts'

export type AiPhase =
  /** Nothing to show. */
  | 'idle'
  /** Request sent, no `start` event yet. */
  | 'starting'
  | 'running'
  /** `done` arrived; waiting for Accept or Discard. */
  | 'finished'
  | 'failed'

export interface AiError {
  code: string
  message: string
  retryAfter: number | null
}

export interface AiJobView {
  phase: AiPhase
  op: AiOp | null
  jobId: string | null
  /** Characters the model produced so far; > 0 means text may be in the document. */
  producedChars: number
  finishStatus: 'completed' | 'cancelled' | null
  error: AiError | null
  /** The event stream dropped and is being resumed. */
  reconnecting: boolean
  /** ...because the device is offline: it resumes when the network is back. */
  offline: boolean
  /** A cancel/accept/discard request is in flight. */
  busy: 'cancel' | 'accept' | 'discard' | null
  /** Bumped when Mod-z asks the panel to offer Discard. */
  discardOffer: number
}

export const IDLE_VIEW: AiJobView = {
  phase: 'idle',
  op: null,
  jobId: null,
  producedChars: 0,
  finishStatus: null,
  error: null,
  reconnecting: false,
  offline: false,
  busy: null,
  discardOffer: 0,
}

/** Whether there is AI text in the document that Discard would take back. */
export function canDiscard(view: AiJobView): boolean {
  if (view.jobId === null) return false
  if (view.phase === 'finished') return true
  return view.phase === 'failed' && view.producedChars > 0
}

export function isActive(view: AiJobView): boolean {
  return view.phase === 'starting' || view.phase === 'running'
}

export const OP_PROGRESS_LABELS: Record<AiOp, string> = {
  generate: 'AI is writing',
  continue: 'AI is continuing your text',
  rewrite: 'AI is rewriting the selection',
  summarize: 'AI is summarizing',
}

export const OP_DONE_LABELS: Record<AiOp, string> = {
  generate: 'AI finished writing.',
  continue: 'AI finished continuing your text.',
  rewrite: 'AI finished rewriting.',
  summarize: 'AI finished the summary.',
}

const ACTION_NAMES = { cancel: 'Stop', accept: 'Accept', discard: 'Discard' } as const

/** A Stop / Accept / Discard that will be sent again (see actionRetry.ts), said truthfully. */
export function pendingActionError(action: keyof typeof ACTION_NAMES, offline: boolean): AiError {
  const name = ACTION_NAMES[action]
  const message = offline
    ? `${name} will be sent when you are back online.`
    : `Could not reach the server. ${name} will be tried again in a moment.`
  return { code: 'action_pending', message, retryAfter: null }
}

/** The server's message, plus when to retry if it says so. */
export function errorText(error: AiError): string {
  if (error.retryAfter !== null && !/try again/i.test(error.message)) {
    return `${error.message} Try again in ${error.retryAfter} s.`
  }
  return error.message
}
