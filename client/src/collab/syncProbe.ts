/**
 * The "is it saved?" probe: after local edits we send a SyncStep1 and wait
 * for the SyncStep2 that answers it.
 *
 * Why the answer is proof: the server answers a SyncStep1 only after every
 * update it received before it is stored; so a SyncStep2 answering our probe
 * proves our earlier edits are stored. (Answers leave in the order their
 * SyncStep1s came, so the n-th SyncStep2 answers the n-th SyncStep1. The
 * wire format and the exchange are described in shared/collabWire.ts.)
 */
import type * as Y from 'yjs'
import { encodeSyncStep1, syncFrameKind } from '../../../shared/collabWire.ts'

/** What a frame from the server means to the probe. */
export type ProbeEvent = 'server-step1' | 'answer'

/** The probe itself: our state vector, as any SyncStep1. */
export function encodeProbe(doc: Y.Doc): Uint8Array {
  return encodeSyncStep1(doc)
}

/**
 * The server's SyncStep1 starts a handshake; a SyncStep2 answers the oldest
 * SyncStep1 we sent. Reads only the two leading varUints: the provider
 * itself applies the payload.
 */
export function probeEvent(data: ArrayBuffer | Uint8Array): ProbeEvent | null {
  const kind = syncFrameKind(data instanceof Uint8Array ? data : new Uint8Array(data))
  if (kind === 'syncStep1') return 'server-step1'
  if (kind === 'syncStep2') return 'answer'
  return null
}
