/**
 * Keeps my AI job's newest text in view: as the AI writes past the bottom
 * of the window (or above its top), the page scrolls with its caret, the way
 * a terminal follows its output.
 *
 * A person who scrolls is reading, and wins. While they scroll, following
 * pauses (scrolling back under their wheel would fight it); once they stop,
 * it resumes only if the AI's text is in sight, i.e. they stayed near it or
 * came back to it. A scroll is theirs when it follows their input (wheel,
 * touch, keys, a press on the scrollbar): the page also scrolls by itself,
 * when we scroll it or when the document shrinks under a page scrolled to
 * its end (the AI re-renders the block it is writing), and that says
 * nothing about where they want to be.
 *
 * What is followed is the AI's newest character: while it writes, its
 * participant's awareness state names where its items start (`openFrom`:
 * the server's Yjs client and clock), so the newest of them is the server
 * client's latest item. Its caret alone trails the text by up to 250 ms,
 * a few lines at full speed. The caret is the fallback. The last ones seen
 * are kept, so the text that lands with or just after `done`, when that
 * state is gone, is still followed for a moment.
 */
import type { Editor } from '@tiptap/core'
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import { useEffect } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'

/** Room kept between the newest text and the edge of the visible area. */
const EDGE_MARGIN_PX = 32
/** A scroll this soon after the person's input is theirs. */
const INPUT_SCROLL_MS = 600
const INPUT_EVENTS = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const
/** A scroll with no new scroll event for this long has ended. */
const SCROLL_SETTLE_MS = 200
/** After the job ends, its last text may still be arriving over the WebSocket. */
const TAIL_MS = 1500

export function useFollowAiCaret(editor: Editor, awareness: Awareness, jobId: string | null, running: boolean): void {
  useEffect(() => {
    if (!jobId || !running) return
    const follower = new AiCaretFollower(editor, awareness, jobId)
    return () => follower.finish()
  }, [editor, awareness, jobId, running])
}

class AiCaretFollower {
  private following = true
  private settling: ReturnType<typeof setTimeout> | null = null
  private frame: number | null = null
  private inputAt = -Infinity
  private caret: Y.RelativePosition | null = null
  private openFrom: [client: number, clock: number] | null = null
  private tail: ReturnType<typeof setTimeout> | null = null
  private readonly timers: Array<ReturnType<typeof setTimeout>> = []

  constructor(
    private readonly editor: Editor,
    private readonly awareness: Awareness,
    private readonly jobId: string,
  ) {
    // At once, not at the next frame: nobody should see text under the fold,
    // not even for a frame. Frames still coalesce the awareness updates.
    editor.on('update', this.follow)
    awareness.on('change', this.schedule)
    window.addEventListener('scroll', this.onScroll, { passive: true })
    for (const type of INPUT_EVENTS) window.addEventListener(type, this.onInput, { capture: true, passive: true })
    this.schedule()
  }

  /**
   * The job ended: keep up with its last words briefly, then let go. The
   * panel grows as it offers Accept and Discard, which may cover the last
   * line: look again once it has.
   */
  finish(): void {
    if (this.tail !== null) return
    this.tail = setTimeout(() => this.stop(), TAIL_MS)
    for (const ms of [100, 400]) this.timers.push(setTimeout(this.follow, ms))
  }

  private stop(): void {
    this.editor.off('update', this.follow)
    this.awareness.off('change', this.schedule)
    window.removeEventListener('scroll', this.onScroll)
    for (const type of INPUT_EVENTS) window.removeEventListener(type, this.onInput, { capture: true })
    for (const timer of this.timers) clearTimeout(timer)
    if (this.settling !== null) clearTimeout(this.settling)
    if (this.frame !== null) cancelAnimationFrame(this.frame)
  }

  private readonly follow = () => {
    if (this.following && this.settling === null) this.keepInView()
  }

  private readonly schedule = () => {
    if (this.frame !== null) return
    this.frame = requestAnimationFrame(() => {
      this.frame = null
      this.follow()
    })
  }

  private readonly onInput = (event: Event) => {
    this.inputAt = performance.now()
    // A wheel or a swipe is a scroll already, before its first scroll event:
    // pause now, or an update landing in between scrolls the page back
    // under the person's hand and then looks "near" when they stop.
    if (event.type === 'wheel' || event.type === 'touchmove') this.personScrolls()
  }

  private readonly onScroll = () => {
    if (performance.now() - this.inputAt > INPUT_SCROLL_MS) return
    this.personScrolls()
  }

  /** Pause following until the person's scroll settles, then follow again only if the AI's text is near. */
  private personScrolls(): void {
    if (this.settling !== null) clearTimeout(this.settling)
    this.settling = setTimeout(() => {
      this.settling = null
      const rect = this.caretRect()
      const area = visibleArea()
      // "Near": in sight, or just past an edge (under the panel, say).
      this.following = rect !== null && rect.bottom > area.top - EDGE_MARGIN_PX && rect.top < area.bottom + EDGE_MARGIN_PX
      if (this.following) this.keepInView()
    }, SCROLL_SETTLE_MS)
  }

  private keepInView(): void {
    const rect = this.caretRect()
    if (!rect) return
    const area = visibleArea()
    let delta = 0
    if (rect.bottom > area.bottom - EDGE_MARGIN_PX) delta = rect.bottom - (area.bottom - EDGE_MARGIN_PX)
    else if (rect.top < area.top + EDGE_MARGIN_PX) delta = rect.top - (area.top + EDGE_MARGIN_PX)
    if (Math.abs(delta) < 1) return
    window.scrollBy({ top: delta, behavior: 'instant' })
  }

  private caretRect(): { top: number; bottom: number } | null {
    this.readAwareness()
    const sync = ySyncPluginKey.getState(this.editor.state)
    if (!sync?.binding) return null
    const target = this.newestText(sync.doc) ?? this.caret
    if (!target) return null
    const pos = relativePositionToAbsolutePosition(sync.doc, sync.type, target, sync.binding.mapping)
    if (pos === null || this.editor.isDestroyed) return null
    try {
      const coords = this.editor.view.coordsAtPos(Math.min(pos, this.editor.state.doc.content.size))
      return { top: coords.top, bottom: coords.bottom }
    } catch {
      // A position the view has not rendered yet: try on the next change.
      return null
    }
  }

  /** The server client's latest item, if it came after my job started writing. */
  private newestText(doc: Y.Doc): Y.RelativePosition | null {
    if (!this.openFrom) return null
    const [client, clock] = this.openFrom
    const next = Y.getState(doc.store, client)
    if (next <= clock) return null
    return Y.createRelativePositionFromJSON({ item: { client, clock: next - 1 }, assoc: 0 })
  }

  /** My job's AI participant: its caret head and where its items start, while it is in the room. */
  private readAwareness(): void {
    // With another job writing too, the server client's newest item may be
    // that job's: follow my job's own caret instead (see pendingRanges.ts).
    let writing = 0
    for (const state of this.awareness.getStates().values()) {
      if ((state.ai as { status?: unknown } | undefined)?.status === 'writing') writing++
    }
    if (writing > 1) this.openFrom = null
    for (const state of this.awareness.getStates().values()) {
      const ai = state.ai as { jobId?: unknown; openFrom?: unknown } | undefined
      if (ai?.jobId !== this.jobId) continue
      if (writing <= 1 && isClientClock(ai.openFrom)) this.openFrom = ai.openFrom
      const cursor = state.cursor as { head?: unknown } | null | undefined
      if (!cursor?.head) return
      try {
        this.caret = Y.createRelativePositionFromJSON(cursor.head)
      } catch {
        // Not a relative position: keep the last good one.
      }
      return
    }
  }
}

function isClientClock(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => Number.isInteger(n) && n >= 0)
}

/** The part of the window that shows the document: below the sticky header, above the AI panel. */
function visibleArea(): { top: number; bottom: number } {
  const header = document.querySelector('[data-sticky-top]')?.getBoundingClientRect()
  const panel = document.querySelector('.ai-panel')?.getBoundingClientRect()
  return { top: header?.bottom ?? 0, bottom: panel?.top ?? window.innerHeight }
}
