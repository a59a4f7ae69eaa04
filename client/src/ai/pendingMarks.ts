/**
 * The pending mark: every collaborator sees which text belongs to a running
 * or unaccepted AI job, with a quiet highlight and a label naming who asked
 * ("AI · for Ada, pending"). It goes away for everyone on Accept (the job's
 * awareness state is removed) and with the text on Discard.
 *
 * It is a decoration only: never a mark in the document, so it is never
 * stored, exported or copied. Decorations are rebuilt from Yjs after every
 * change to the document or to the AI's awareness state (on the next
 * microtask, when the Yjs binding has caught up with the editor), and only
 * while some job is pending.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { aiJobStates } from '../collab/peers.ts'
import { layoutJob, pendingJobs, type PendingJob } from './pendingRanges.ts'

export interface AiPendingMarksOptions {
  doc: Y.Doc | null
  awareness: Awareness | null
}

const key = new PluginKey<DecorationSet>('aiPendingMarks')

export function pendingLabel(job: Pick<PendingJob, 'requesterName' | 'status'>): string {
  return `AI · for ${job.requesterName || 'someone'}, ${job.status === 'writing' ? 'writing' : 'pending'}`
}

function labelNode(job: PendingJob): HTMLElement {
  const el = document.createElement('span')
  el.className = `ai-pending-label ai-pending-label--${job.status}`
  el.contentEditable = 'false'
  el.dataset.testid = 'ai-pending-label'
  el.textContent = pendingLabel(job)
  return el
}

function build(state: EditorState, doc: Y.Doc, jobs: PendingJob[]): DecorationSet {
  const binding = ySyncPluginKey.getState(state)?.binding
  if (!binding || jobs.length === 0) return DecorationSet.empty
  const decorations: Decoration[] = []
  for (const job of jobs) {
    const layout = layoutJob(doc, binding, state.doc, job)
    const title = job.status === 'writing' ? `${pendingLabel(job)}…` : `${pendingLabel(job)}: ${job.requesterName || 'the requester'} can accept or discard it`
    for (const { from, to } of layout.texts) {
      decorations.push(Decoration.inline(from, to, { class: 'ai-pending', title, 'data-ai-job': job.jobId }))
    }
    for (const { pos, size } of layout.blocks) decorations.push(Decoration.node(pos, pos + size, { class: 'ai-pending-block' }))
    if (layout.start !== null) {
      decorations.push(
        Decoration.widget(layout.start, () => labelNode(job), { side: -1, key: `ai-label:${job.jobId}:${job.status}:${job.requesterName}`, ignoreSelection: true }),
      )
    }
  }
  return DecorationSet.create(state.doc, decorations)
}

export const AiPendingMarks = Extension.create<AiPendingMarksOptions>({
  name: 'aiPendingMarks',

  addOptions() {
    return { doc: null, awareness: null }
  },

  addProseMirrorPlugins() {
    const { doc, awareness } = this.options
    if (!doc || !awareness) return []
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: () => DecorationSet.empty,
          apply: (tr, set) => (tr.getMeta(key) as DecorationSet | undefined) ?? set.map(tr.mapping, tr.doc),
        },
        props: {
          decorations: (state) => key.getState(state),
        },
        view: (view) => {
          let scheduled = false
          let lastJobs = ''
          const refresh = () => {
            scheduled = false
            if (view.isDestroyed) return
            const jobs = pendingJobs(aiJobStates(awareness.getStates()))
            lastJobs = JSON.stringify(jobs)
            const next = build(view.state, doc, jobs)
            if (next === DecorationSet.empty && key.getState(view.state) === DecorationSet.empty) return
            view.dispatch(view.state.tr.setMeta(key, next).setMeta('addToHistory', false))
          }
          const schedule = () => {
            if (scheduled) return
            scheduled = true
            queueMicrotask(refresh)
          }
          const onAwareness = () => {
            if (JSON.stringify(pendingJobs(aiJobStates(awareness.getStates()))) !== lastJobs) schedule()
          }
          awareness.on('change', onAwareness)
          schedule()
          return {
            update: (_view, prev) => {
              if (lastJobs !== '[]' && !view.state.doc.eq(prev.doc)) schedule()
            },
            destroy: () => awareness.off('change', onAwareness),
          }
        },
      }),
    ]
  },
})
