/**
 * When a room takes automatic versions (issue 12): after its document has
 * changed and then been quiet for `quietMs`, when the room closes (its last
 * person has left), and on request before an AI job writes. Each version
 * lists who changed the document since the previous one.
 *
 * Versions are taken one at a time, in order; a version whose content equals
 * the newest is not taken (VersionHistory.take). A failure to store one is
 * logged and retried at the next occasion, never surfaced to editors.
 */
import type * as Y from 'yjs'
import type { Logger } from '../log.ts'
import type { VersionKind } from '../storage/types.ts'
import type { VersionHistory } from '../versions/history.ts'

export interface RoomVersionsOptions {
  docId: string
  history: VersionHistory
  fragment: Y.XmlFragment
  quietMs: number
  log: Logger
}

export class RoomVersions {
  private timer: NodeJS.Timeout | null = null
  private readonly authors = new Set<string>()
  private dirty = false
  private queue: Promise<void> = Promise.resolve()
  private disposed = false
  private lastChange = 0

  constructor(private readonly opts: RoomVersionsOptions) {}

  /**
   * A change was applied to the document (not a load, not another
   * instance's), credited to `name` (RoomSummary resolves it once per change).
   * Per keystroke this only notes the time: the one timer, when it fires,
   * waits on if the document was not quiet for long enough.
   */
  changed(name: string | null): void {
    if (name) this.authors.add(name)
    this.dirty = true
    this.lastChange = performance.now()
    if (!this.timer) this.arm(this.opts.quietMs)
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null
      const quietFor = performance.now() - this.lastChange
      if (quietFor < this.opts.quietMs) this.arm(this.opts.quietMs - quietFor)
      else void this.take('auto')
    }, delayMs)
    this.timer.unref?.()
  }

  /**
   * Takes a version of the content now (after the ones already queued).
   * `auto` only when something changed since the last one.
   */
  take(kind: VersionKind): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.disposed || (kind === 'auto' && !this.dirty)) return
      const authors = [...this.authors]
      this.authors.clear()
      this.dirty = false
      try {
        await this.opts.history.take(this.opts.docId, this.opts.fragment, kind, { authors })
      } catch (err) {
        for (const a of authors) this.authors.add(a)
        this.dirty = true
        this.opts.log.warn(`could not store a ${kind} version of ${this.opts.docId}`, (err as Error).message)
      }
    })
    this.queue = next
    return next
  }

  /** The room is closing: a version of its last state, if it changed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.take('auto')
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
