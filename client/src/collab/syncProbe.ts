/**
 * The "is it saved?" probe. The server handles one connection's messages in
 * order and persists every update before it answers a later message. So if
 * we send a SyncStep1 after our edits, the SyncStep2 that answers it proves
 * the server stored everything we sent before it.
 *
 * Wire format (y-websocket): [varUint messageSync=0][varUint syncType][payload].
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type * as Y from 'yjs'

/** y-websocket's top-level message type for sync messages. */
export const MESSAGE_SYNC = 0

export type IncomingKind = 'sync-step1' | 'sync-step2' | 'sync-update' | 'other'

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** Reads only the two leading varUints; the provider itself applies the payload. */
export function classifyIncoming(data: ArrayBuffer | Uint8Array): IncomingKind {
  try {
    const decoder = decoding.createDecoder(data instanceof Uint8Array ? data : new Uint8Array(data))
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return 'other'
    switch (decoding.readVarUint(decoder)) {
      case syncProtocol.messageYjsSyncStep1:
        return 'sync-step1'
      case syncProtocol.messageYjsSyncStep2:
        return 'sync-step2'
      case syncProtocol.messageYjsUpdate:
        return 'sync-update'
      default:
        return 'other'
    }
  } catch {
    return 'other'
  }
}
