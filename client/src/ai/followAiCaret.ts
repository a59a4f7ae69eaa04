/**
 * Keeps my AI job's newest text in view: as the AI writes past the bottom
 * of the window (or above its top), the page scrolls with its caret, the way
 * a terminal follows its output.
 *
 * A person who scrolls is reading, and wins. While they scroll, following
 * pauses (scrolling back under their wheel would fight it); once they stop,
 * it resumes only if the AI's caret is in sight, i.e. they stayed near it or
 * came back to it. Scrolls of our own are told apart by position: right
 * after one, the page is exactly where we put it.
 *
 * The caret comes from the AI participant's awareness state (a Yjs relative
 * position). The last one seen is kept, so the text that lands with or just
 * after `done`, when that state is gone, is still followed for a moment.
 */
import type { Editor } from '@tiptap/core'
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import { useEffect } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'

/**
 * Room kept between the caret and the edge of the visible area: more than a
 * line, because the text arrives a moment before the caret that follows it
 * (two messages), and the next line should not dip under the AI panel.
 */
const EDGE_MARGIN_PX = 56
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
  private ownScrollY: number | null = null
  private caret: Y.RelativePosition | null = null
  private tail: ReturnType<typeof setTimeout> | null = null

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
    this.schedule()
  }

  /** The job ended: keep up with its last words briefly, then let go. */
  finish(): void {
    if (this.tail !== null) return
    this.tail = setTimeout(() => this.stop(), TAIL_MS)
  }

  private stop(): void {
    this.editor.off('update', this.follow)
    this.awareness.off('change', this.schedule)
    window.removeEventListener('scroll', this.onScroll)
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

  private readonly onScroll = () => {
    if (this.ownScrollY !== null && Math.abs(window.scrollY - this.ownScrollY) < 1) return
    this.ownScrollY = null
    if (this.settling !== null) clearTimeout(this.settling)
    this.settling = setTimeout(() => {
      this.settling = null
      const rect = this.caretRect()
      const area = visibleArea()
      this.following = rect !== null && rect.bottom > area.top && rect.top < area.bottom
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
    // Where the page really went (it stops at its ends): that is our mark.
    this.ownScrollY = window.scrollY
  }

  private caretRect(): { top: number; bottom: number } | null {
    this.caret = this.aiCaret() ?? this.caret
    const sync = ySyncPluginKey.getState(this.editor.state)
    if (!this.caret || !sync?.binding) return null
    const pos = relativePositionToAbsolutePosition(sync.doc, sync.type, this.caret, sync.binding.mapping)
    if (pos === null || this.editor.isDestroyed) return null
    try {
      const coords = this.editor.view.coordsAtPos(Math.min(pos, this.editor.state.doc.content.size))
      return { top: coords.top, bottom: coords.bottom }
    } catch {
      // A position the view has not rendered yet: try on the next change.
      return null
    }
  }

  /** The head of my job's AI participant's caret, if it is in the room. */
  private aiCaret(): Y.RelativePosition | null {
    for (const state of this.awareness.getStates().values()) {
      const ai = state.ai as { jobId?: unknown } | undefined
      const cursor = state.cursor as { head?: unknown } | null | undefined
      if (ai?.jobId !== this.jobId || !cursor?.head) continue
      try {
        return Y.createRelativePositionFromJSON(cursor.head)
      } catch {
        return null
      }
    }
    return null
  }
}

/** The part of the window that shows the document: below the sticky header, above the AI panel. */
function visibleArea(): { top: number; bottom: number } {
  const header = document.querySelector('[data-sticky-top]')?.getBoundingClientRect()
  const panel = document.querySelector('.ai-panel')?.getBoundingClientRect()
  return { top: header?.bottom ?? 0, bottom: panel?.top ?? window.innerHeight }
}
