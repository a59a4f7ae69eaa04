/**
 * Reading people out of awareness. Awareness states are whatever peers send,
 * so every field is checked before use.
 */
import type { AiAwarenessState, AiOp } from '../../../shared/index.ts'
import { AI_OPS, readItemRanges } from '../../../shared/index.ts'
import { isHexColor } from '../identity/palette.ts'

export interface Peer {
  clientId: number
  name: string
  color: string
  isSelf: boolean
  /** Present for the server's AI participant while a job runs or waits for Accept/Discard. */
  ai: AiAwarenessState | null
}

const FALLBACK_COLOR = '#57534e'

export function readAiState(value: unknown): AiAwarenessState | null {
  if (typeof value !== 'object' || value === null) return null
  const { jobId, op, requesterId, requesterName, status, items, openFrom } = value as Record<string, unknown>
  if (typeof jobId !== 'string' || typeof requesterId !== 'string') return null
  if (typeof op !== 'string' || !(AI_OPS as readonly string[]).includes(op)) return null
  const open =
    Array.isArray(openFrom) && openFrom.length === 2 && openFrom.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
      ? (openFrom as [number, number])
      : null
  return {
    jobId,
    op: op as AiOp,
    requesterId,
    requesterName: typeof requesterName === 'string' ? requesterName.slice(0, 80) : '',
    status: status === 'pending' ? 'pending' : 'writing',
    items: readItemRanges(items) ?? [],
    openFrom: open,
  }
}

/** Every AI job's state in the room (running, or finished and pending). */
export function aiJobStates(states: Map<number, unknown>): AiAwarenessState[] {
  const jobs: AiAwarenessState[] = []
  for (const state of states.values()) {
    if (typeof state !== 'object' || state === null) continue
    const ai = readAiState((state as Record<string, unknown>).ai)
    if (ai) jobs.push(ai)
  }
  return jobs
}

export function peersFromStates(states: Map<number, Record<string, unknown>>, selfClientId: number): Peer[] {
  const peers: Peer[] = []
  for (const [clientId, state] of states) {
    const user = state.user
    if (typeof user !== 'object' || user === null) continue
    const { name, color } = user as Record<string, unknown>
    if (typeof name !== 'string' || name.trim() === '') continue
    peers.push({
      clientId,
      name: name.slice(0, 80),
      color: isHexColor(color) ? color : FALLBACK_COLOR,
      isSelf: clientId === selfClientId,
      ai: readAiState(state.ai),
    })
  }
  // Me first, then AI participants (short-lived and worth noticing), then people.
  const rank = (p: Peer) => (p.isSelf ? 0 : p.ai ? 1 : 2)
  return peers.sort((a, b) => rank(a) - rank(b) || a.clientId - b.clientId)
}
