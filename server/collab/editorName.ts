/**
 * Who made a change, as a display name for "edited by": the room records it
 * with the document's summary. Names are for display only and never logged.
 *
 * - A person's edit: the name in their token when the server has
 *   AUTH_SECRET (it cannot be forged); in open mode, the name their editor
 *   publishes in awareness (`user.name`), which is all there is.
 * - An AI job's edit, or its discard (its Y.UndoManager's transaction):
 *   "AI (for <requester>)", from the job's awareness state.
 * - A restore: the person who asked for it, when known.
 * - Anything else (another instance's update, loading): null, unknown.
 */
import * as Y from 'yjs'
import type * as awarenessProtocol from 'y-protocols/awareness'
import type { AiAwarenessState } from '../../shared/aiProtocol.ts'
import { isTxOrigin, type AiOrigin } from './origins.ts'

const MAX_NAME = 64

export function editorName(origin: unknown, awareness: awarenessProtocol.Awareness): string | null {
  if (origin instanceof Y.UndoManager) {
    const ai = [...origin.trackedOrigins].find((o): o is AiOrigin => isTxOrigin(o) && o.kind === 'ai')
    return ai ? aiName(ai, awareness) : null
  }
  if (!isTxOrigin(origin)) return null
  if (origin.kind === 'ai') return aiName(origin, awareness)
  if (origin.kind === 'restore') return origin.by === null ? null : clean(origin.by)
  if (origin.kind !== 'connection') return null
  const { connection } = origin
  if (connection.options.name !== undefined) return clean(connection.options.name)
  if (!connection.hasAwarenessIds) return null
  for (const id of connection.awarenessIds) {
    const user = (awareness.getStates().get(id) as { user?: { name?: unknown } } | undefined)?.user
    const name = typeof user?.name === 'string' ? clean(user.name) : null
    if (name) return name
  }
  return null
}

function aiName(origin: AiOrigin, awareness: awarenessProtocol.Awareness): string {
  for (const state of awareness.getStates().values()) {
    const ai = (state as { ai?: AiAwarenessState }).ai
    if (ai?.jobId === origin.jobId) return `AI (for ${clean(ai.requesterName) ?? 'someone'})`
  }
  return 'AI'
}

/** One line of printable text, bounded; null when nothing is left. */
function clean(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_NAME)
  return s || null
}
