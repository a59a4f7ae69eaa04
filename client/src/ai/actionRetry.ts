/**
 * A Stop, Accept or Discard that could not reach the server is not dropped
 * with an error that outlives the problem: it is sent again as soon as the
 * network is back, or, when the browser believes it is online (a server
 * restarting, a proxy), after a short pause, until it gets an answer or a
 * newer action or the job's end calls it off. The server treats a repeated
 * action as the same one, so sending it twice is harmless.
 */
import type { NetworkStatus } from './network.ts'

export const ACTION_RETRY_DELAY_MS = 3000

export class ActionRetry {
  private callOff: (() => void) | null = null

  constructor(
    private readonly network: NetworkStatus,
    private readonly delayMs = ACTION_RETRY_DELAY_MS,
  ) {}

  get pending(): boolean {
    return this.callOff !== null
  }

  /** Runs `send` when there is a chance it gets through, replacing any retry already waiting. */
  schedule(send: () => void): void {
    this.cancel()
    const fire = () => {
      this.cancel()
      send()
    }
    const timer = this.network.online() ? setTimeout(fire, this.delayMs) : null
    const unsubscribe = this.network.subscribe(() => {
      if (this.network.online()) fire()
    })
    this.callOff = () => {
      if (timer !== null) clearTimeout(timer)
      unsubscribe()
    }
  }

  cancel(): void {
    this.callOff?.()
    this.callOff = null
  }
}
