/**
 * The requester's side of one AI job: starts it, follows its events, and
 * sends Stop / Accept / Discard. The AI's text itself never passes through
 * here; the server writes it into the shared document.
 *
 * The job id is kept in sessionStorage so a reload can pick the job up again
 * (replaying its events from the start) and still offer Accept / Discard.
 */
import type { AiAwarenessState, AiEventRecord, AiOp, AiRequest } from '../../../shared/index.ts'
import { ApiError, NetworkError, describeError } from '../api/http.ts'
import { authHeaders } from '../auth/token.ts'
import type { Identity } from '../identity/identity.ts'
import type { AcceptUndo } from './acceptUndo.ts'
import { acceptJob, aiJobStartUrl, postJobAction, type JobAction } from './aiApi.ts'
import { ActionRetry } from './actionRetry.ts'
import { IDLE_VIEW, canDiscard, pendingActionError, type AiJobView } from './aiJobView.ts'
import { browserNetwork, type NetworkStatus } from './network.ts'
import { AiJobStream, type AiStreamFailure, type AiStreamOptions } from './sseClient.ts'

export type AiJobInput = Omit<AiRequest, 'requester'>

export interface AiJobControllerOptions {
  docId: string
  token: string | null
  getIdentity: () => Identity
  /** Running AI participants in the room, to find a job whose `start` event we missed. */
  getRoomJobs: () => AiAwarenessState[]
  storage?: Storage
  streamOptions?: AiStreamOptions
  network?: NetworkStatus
  /** Puts an accepted job on the editor's undo stack (acceptUndo.ts). */
  acceptUndo?: AcceptUndo
}

export class AiJobController {
  private readonly options: AiJobControllerOptions
  private readonly listeners = new Set<() => void>()
  private view: AiJobView = IDLE_VIEW
  private stream: AiJobStream | null = null
  private stopRequested = false
  private destroyed = false
  private readonly network: NetworkStatus
  private readonly retry: ActionRetry
  /** This tab started the current job and holds its deletions for Undo after Accept. */
  private holding = false

  constructor(options: AiJobControllerOptions) {
    this.options = options
    this.network = options.network ?? browserNetwork()
    this.retry = new ActionRetry(this.network)
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getSnapshot = (): AiJobView => this.view

  /** Picks up a job this tab started before a reload, if the server still has it. */
  resumeStored(): void {
    const jobId = this.readStoredJob()
    if (!jobId || this.view.phase !== 'idle') return
    this.follow(jobId, null, true)
  }

  start(input: AiJobInput): void {
    if (this.view.phase === 'starting' || this.view.phase === 'running') return
    const identity = this.options.getIdentity()
    const request: AiRequest = {
      ...input,
      requester: { id: identity.id, name: identity.name, color: identity.color },
    }
    // Moving on from a finished job keeps its text, as Accept would.
    const previous = this.view.jobId
    if (previous && (this.view.phase === 'finished' || this.view.phase === 'failed')) {
      void postJobAction(previous, 'accept', this.options.token).catch(() => undefined)
    }
    this.stopRequested = false
    this.releaseHistory()
    this.options.acceptUndo?.hold()
    this.holding = this.options.acceptUndo !== undefined
    this.set({ ...IDLE_VIEW, phase: 'starting', op: input.op, discardOffer: this.view.discardOffer })
    const stream = this.openStream(false)
    void stream.start(aiJobStartUrl(this.options.docId), request)
  }

  async stop(): Promise<void> {
    if (this.view.phase === 'starting') {
      // No job id yet: cancel as soon as the `start` event names it.
      this.stopRequested = true
      this.set({ ...this.view, busy: 'cancel' })
      return
    }
    if (this.view.phase !== 'running' || !this.view.jobId) return
    await this.act('cancel', this.view.jobId)
  }

  async accept(): Promise<void> {
    if (!this.view.jobId) return this.reset()
    await this.act('accept', this.view.jobId)
  }

  async discard(): Promise<void> {
    if (!canDiscard(this.view) || !this.view.jobId) return
    await this.act('discard', this.view.jobId)
  }

  /** Closes a failed job's panel. Text it wrote (if any) stays, as with Accept. */
  async dismiss(): Promise<void> {
    const { jobId, producedChars } = this.view
    this.reset()
    if (jobId && producedChars > 0) {
      await postJobAction(jobId, 'accept', this.options.token).catch(() => undefined)
    }
  }

  /**
   * Mod-z right after my job finished: rather than undoing an unrelated
   * earlier edit, ask the panel to offer Discard. Returns whether it did.
   */
  offerDiscard(): boolean {
    if (!canDiscard(this.view) || this.view.busy !== null) return false
    this.set({ ...this.view, discardOffer: this.view.discardOffer + 1 })
    return true
  }

  destroy(): void {
    this.releaseHistory()
    this.destroyed = true
    this.retry.cancel()
    this.stream?.close()
    this.listeners.clear()
  }

  private openStream(isResume: boolean): AiJobStream {
    this.stream?.close()
    const stream: AiJobStream = new AiJobStream(
      {
        onEvent: (event) => this.stream === stream && this.onEvent(event),
        onFailure: (failure) => this.stream === stream && this.onFailure(failure, isResume),
        onReconnecting: () => this.stream === stream && this.set({ ...this.view, reconnecting: true, offline: false }),
        onReconnected: () => this.stream === stream && this.set({ ...this.view, reconnecting: false, offline: false }),
        onOffline: () => this.stream === stream && this.set({ ...this.view, reconnecting: true, offline: true }),
      },
      { network: this.network, ...this.options.streamOptions, headers: authHeaders(this.options.token) },
    )
    this.stream = stream
    return stream
  }

  private follow(jobId: string, op: AiOp | null, quietIfGone: boolean): void {
    this.set({ ...IDLE_VIEW, phase: 'running', op, jobId, discardOffer: this.view.discardOffer })
    const stream = this.openStream(quietIfGone)
    void stream.resume(jobId, 0)
  }

  private onEvent(event: AiEventRecord): void {
    switch (event.type) {
      case 'start':
        this.storeJob(event.data.jobId)
        this.set({ ...this.view, phase: 'running', op: event.data.op, jobId: event.data.jobId, reconnecting: false, offline: false })
        if (this.stopRequested) {
          this.stopRequested = false
          void this.act('cancel', event.data.jobId)
        }
        break
      case 'delta':
        this.set({ ...this.view, producedChars: this.view.producedChars + event.data.text.length })
        break
      case 'done':
        // A Stop still waiting to be sent has nothing left to stop.
        this.retry.cancel()
        this.set({
          ...this.view,
          phase: 'finished',
          finishStatus: event.data.status,
          reconnecting: false,
          offline: false,
          busy: null,
          error: this.view.error?.code === 'action_pending' ? null : this.view.error,
        })
        break
      case 'error':
        this.retry.cancel()
        this.set({
          ...this.view,
          phase: 'failed',
          reconnecting: false,
          offline: false,
          busy: null,
          error: { code: event.data.code, message: event.data.message, retryAfter: event.data.retryAfter ?? null },
        })
        break
    }
  }

  private onFailure(failure: AiStreamFailure, isResume: boolean): void {
    if (failure.kind === 'expired' && isResume) {
      // A job from before a reload that the server has forgotten: nothing to offer.
      this.reset()
      return
    }
    if (failure.kind === 'network' && this.view.jobId === null) {
      // The POST dropped before `start`; the job may run anyway. The room knows.
      const mine = this.options.getRoomJobs().find((job) => job.requesterId === this.options.getIdentity().id)
      if (mine) return this.follow(mine.jobId, mine.op, false)
    }
    const error =
      failure.kind === 'http'
        ? { code: failure.code, message: failure.message, retryAfter: failure.retryAfter }
        : { code: failure.kind, message: failure.message, retryAfter: null }
    this.retry.cancel()
    this.set({ ...this.view, phase: 'failed', reconnecting: false, offline: false, busy: null, error })
  }

  private async act(action: JobAction, jobId: string): Promise<void> {
    this.retry.cancel()
    const stale = this.view.error?.code === 'action_failed' || this.view.error?.code === 'action_pending'
    const error = stale ? null : this.view.error
    this.set({ ...this.view, busy: action, error })
    try {
      if (action === 'accept') {
        const { history } = await acceptJob(jobId, this.options.token)
        if (history && this.holding) await this.options.acceptUndo?.push(history)
      } else await postJobAction(jobId, action, this.options.token)
      // Cancel ends with a `done` event on the stream; the others end the job here.
      if (action !== 'cancel') this.reset()
    } catch (error) {
      if (this.destroyed) return
      if (action !== 'cancel' && error instanceof ApiError && error.status === 404) {
        // The job expired meanwhile; its text simply stays as it is.
        this.reset()
        return
      }
      if (error instanceof NetworkError && this.view.jobId === jobId) {
        // Not an answer, only no way through: the action stands (the button
        // stays pressed) and goes out again once it can.
        this.set({ ...this.view, busy: action, error: pendingActionError(action, !this.network.online()) })
        this.retry.schedule(() => {
          if (this.view.jobId === jobId && this.view.busy === action) void this.act(action, jobId)
        })
        return
      }
      // The job is unchanged; show why the button did nothing so it can be tried again.
      this.set({
        ...this.view,
        busy: null,
        error: { code: 'action_failed', message: describeError(error), retryAfter: null },
      })
    }
  }

  private releaseHistory(): void {
    if (this.holding) this.options.acceptUndo?.release()
    this.holding = false
  }

  private reset(): void {
    this.retry.cancel()
    this.releaseHistory()
    this.stream?.close()
    this.stream = null
    this.clearStoredJob()
    this.set({ ...IDLE_VIEW, discardOffer: this.view.discardOffer })
  }

  private set(view: AiJobView): void {
    if (this.destroyed) return
    this.view = view
    for (const listener of this.listeners) listener()
  }

  private get storageKey(): string {
    return `quill.aiJob.${this.options.docId}`
  }

  private storeJob(jobId: string): void {
    try {
      this.options.storage?.setItem(this.storageKey, jobId)
    } catch {
      // Only costs the ability to resume after a reload.
    }
  }

  private readStoredJob(): string | null {
    try {
      return this.options.storage?.getItem(this.storageKey) ?? null
    } catch {
      return null
    }
  }

  private clearStoredJob(): void {
    try {
      this.options.storage?.removeItem(this.storageKey)
    } catch {
      // Nothing to clear.
    }
  }
}
