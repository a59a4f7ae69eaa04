/**
 * The collaboration wire format (y-websocket's), spoken by the server's rooms
 * and the browser's provider. Every binary frame starts with a varUint
 * message type:
 *
 *   0 sync       y-protocols/sync: step 1 (state vector), step 2 (diff), update
 *   1 awareness  y-protocols/awareness update
 *   2 auth       permission denied; only servers send it
 *   3 query awareness: the peer asks for all awareness states
 *
 * The exchange: on join the server sends SyncStep1 (its state vector) and the
 * current awareness states; the client answers with SyncStep2 (what the
 * server lacks) and its own SyncStep1, which the server answers with
 * SyncStep2 (what the client lacks). From then on both sides send updates.
 *
 * The save probe rests on one invariant: the server answers a SyncStep1 only
 * after every update it received before it is stored; so a SyncStep2
 * answering our probe proves our earlier edits are stored. The server keeps
 * it in server/collab/storedAnswers.ts; the client relies on it in
 * client/src/collab/syncProbe.ts.
 *
 * Everything here is pure: state goes in explicitly and bytes come out, so a
 * room encodes a broadcast once and sends the same buffer to everyone.
 * Validating frames that arrive is the server's part (server/collab/messages.ts).
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type * as Y from 'yjs'

export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const

/** The second varUint of a sync frame. */
export const SyncStep = {
  Step1: syncProtocol.messageYjsSyncStep1,
  Step2: syncProtocol.messageYjsSyncStep2,
  Update: syncProtocol.messageYjsUpdate,
} as const

/** The kinds of sync frame, named as the server's decoded messages are. */
export type SyncFrameKind = 'syncStep1' | 'syncStep2' | 'update'

/** SyncStep1: `doc`'s state vector, asking the peer for what it lacks. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.Sync)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

/** SyncStep2: the diff between `doc` and the peer's state vector. */
export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.Sync)
  syncProtocol.writeSyncStep2(e, doc, stateVector)
  return encoding.toUint8Array(e)
}

/** SyncStep2 carrying an already encoded update (e.g. stored state as is). */
export function encodeSyncStep2FromUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.Sync)
  encoding.writeVarUint(e, SyncStep.Step2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.Sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.Awareness)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(e)
}

/**
 * The kind of a sync frame from its two leading varUints, without reading
 * the payload; null for any other frame, or one too short to tell.
 */
export function syncFrameKind(data: Uint8Array): SyncFrameKind | null {
  try {
    const d = decoding.createDecoder(data)
    if (decoding.readVarUint(d) !== MessageType.Sync) return null
    switch (decoding.readVarUint(d)) {
      case SyncStep.Step1:
        return 'syncStep1'
      case SyncStep.Step2:
        return 'syncStep2'
      case SyncStep.Update:
        return 'update'
      default:
        return null
    }
  } catch {
    return null
  }
}
