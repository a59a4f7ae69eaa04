/**
 * Where an AI job's pending text is in the editor: the job's items (from its
 * awareness state, see AiAwarenessState) turned into ProseMirror ranges.
 *
 * Each visible character run the job inserted becomes one range, found by
 * item id, so words a person typed inside the AI's text are not part of it;
 * each top-level block the job created is reported too.
 */
import type { Node as PmNode } from '@tiptap/pm/model'
import { relativePositionToAbsolutePosition } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import type { AiAwarenessState } from '../../../shared/index.ts'

export interface PendingJob {
  jobId: string
  requesterName: string
  status: AiAwarenessState['status']
  ranges: Array<[client: number, from: number, to: number]>
}

export interface PendingLayout {
  texts: Array<{ from: number; to: number }>
  blocks: Array<{ pos: number; size: number }>
  /** Where the job's text starts (for its label), or null if none is visible. */
  start: number | null
}

/**
 * The jobs in awareness, with `openFrom` as a range open to the end. Only
 * while a single job writes: with two writing at once, the server client's
 * newest items could be either's, and marking them for both would show one
 * job's label on the other's text; their newest words are then marked with
 * the next renewal (within 250 ms).
 */
export function pendingJobs(states: readonly AiAwarenessState[]): PendingJob[] {
  const jobs: PendingJob[] = []
  const writing = states.filter((ai) => ai.status === 'writing').length
  for (const ai of states) {
    const ranges: PendingJob['ranges'] = []
    for (const [client, flat] of ai.items) {
      for (let i = 0; i + 1 < flat.length; i += 2) ranges.push([client, flat[i] as number, (flat[i] as number) + (flat[i + 1] as number)])
    }
    if (ai.status === 'writing' && ai.openFrom && writing === 1) ranges.push([ai.openFrom[0], ai.openFrom[1], Number.POSITIVE_INFINITY])
    jobs.push({ jobId: ai.jobId, requesterName: ai.requesterName, status: ai.status, ranges })
  }
  return jobs
}

interface Binding {
  type: Y.XmlFragment
  mapping: Map<Y.AbstractType<unknown>, PmNode | PmNode[]>
}

export function layoutJob(ydoc: Y.Doc, binding: Binding, pmDoc: PmNode, job: PendingJob): PendingLayout {
  const layout: PendingLayout = { texts: [], blocks: [], start: null }
  const toPm = (client: number, clock: number, assoc: number): number | null => {
    const rel = Y.createRelativePositionFromJSON({ item: { client, clock }, assoc })
    const pos = relativePositionToAbsolutePosition(ydoc, binding.type, rel, binding.mapping as never)
    return pos === null || pos < 0 || pos > pmDoc.content.size ? null : pos
  }
  for (const [client, from, to] of job.ranges) {
    const structs = ydoc.store.clients.get(client)
    if (structs === undefined || structs.length === 0) continue
    const last = structs[structs.length - 1] as Y.Item
    if (from >= last.id.clock + last.length) continue
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const item = structs[i]
      if (item === undefined || item.id.clock >= to) break
      if (!(item instanceof Y.Item) || item.deleted) continue
      const a = Math.max(from, item.id.clock)
      const b = Math.min(to, item.id.clock + item.length)
      if (item.content instanceof Y.ContentString) {
        const start = toPm(client, a, 0)
        const end = toPm(client, b - 1, -1)
        if (start === null || end === null || end <= start) continue
        layout.texts.push({ from: start, to: end })
        layout.start = layout.start === null ? start : Math.min(layout.start, start)
      } else if (item.content instanceof Y.ContentType && item.parent === binding.type && onlyJobContent(item.content.type, job)) {
        const pos = toPm(client, item.id.clock, 0)
        const node = pos === null ? null : pmDoc.nodeAt(pos)
        if (pos === null || node === null) continue
        layout.blocks.push({ pos, size: node.nodeSize })
        layout.start = layout.start === null ? pos + 1 : Math.min(layout.start, pos + 1)
      }
    }
  }
  return layout
}

function inJob(job: PendingJob, id: Y.ID): boolean {
  return job.ranges.some(([client, from, to]) => id.client === client && id.clock >= from && id.clock < to)
}

/** The block holds nothing but the job's own items (once a person types in it, it is not all pending). */
function onlyJobContent(type: Y.AbstractType<unknown>, job: PendingJob): boolean {
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    if (!inJob(job, item.id)) return false
    if (item.content instanceof Y.ContentType && !onlyJobContent(item.content.type, job)) return false
  }
  return true
}
