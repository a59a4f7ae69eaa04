/**
 * Incoming frames, validated in full before anything touches the document.
 * The wire format, its constants and the encoders are shared with the
 * client (shared/collabWire.ts); what a server must not trust lives here.
 */
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { MessageType, SyncStep } from '../../shared/collabWire.ts'

export type IncomingMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array; clients: AwarenessEntry[] }
  | { type: 'queryAwareness' }

export interface AwarenessEntry {
  clientId: number
  clock: number
  /**
   * The state as sent, still JSON. Most awareness frames a server receives
   * are echoes of states it already has (a provider re-sends every change it
   * applies), so the room parses only the entries it will apply
   * (`parseAwarenessState`). "null" removes the peer's state.
   */
  json: string
}

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/**
 * Decode one frame completely, validating it before anything touches the
 * document: a truncated or unknown frame throws `ProtocolError` and the room
 * closes that connection without applying anything.
 */
export function decodeMessage(data: Uint8Array): IncomingMessage {
  try {
    const d = decoding.createDecoder(data)
    const type = decoding.readVarUint(d)
    let msg: IncomingMessage
    switch (type) {
      case MessageType.Sync: {
        const step = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (step === SyncStep.Step1) msg = { type: 'syncStep1', stateVector: checked(payload, Y.decodeStateVector, 'state vector') }
        else if (step === SyncStep.Step2) msg = { type: 'syncStep2', update: checked(payload, Y.decodeUpdate, 'update') }
        else if (step === SyncStep.Update) msg = { type: 'update', update: checked(payload, Y.decodeUpdate, 'update') }
        else throw new ProtocolError(`unknown sync message type ${step}`)
        break
      }
      case MessageType.Awareness: {
        const update = decoding.readVarUint8Array(d)
        msg = { type: 'awareness', update, clients: decodeAwarenessEntries(update) }
        break
      }
      case MessageType.QueryAwareness:
        msg = { type: 'queryAwareness' }
        break
      default:
        throw new ProtocolError(`unknown message type ${type}`)
    }
    if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes after message')
    return msg
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed frame: ${(err as Error).message}`)
  }
}

/**
 * Decode a Yjs payload once before the room uses it. Both checks matter:
 * Yjs integrates an update's structs before it reads the delete set, so a
 * truncated update would be half applied (then stored and broadcast) before
 * throwing; and a malformed state vector throws while the room encodes its
 * answer, outside any handler that could close the socket.
 */
function checked(payload: Uint8Array, decode: (bytes: Uint8Array) => unknown, what: string): Uint8Array {
  try {
    decode(payload)
  } catch (err) {
    throw new ProtocolError(`malformed ${what}: ${(err as Error).message}`)
  }
  return payload
}

/** Awareness update layout: count, then (clientId, clock, JSON state) per entry. */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update)
  const count = decoding.readVarUint(d)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    entries.push({ clientId, clock, json: decoding.readVarString(d) })
  }
  if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes in awareness update')
  return entries
}

/** The state of an awareness entry; throws `ProtocolError` for malformed JSON. */
export function parseAwarenessState(entry: AwarenessEntry): unknown {
  try {
    return JSON.parse(entry.json)
  } catch {
    throw new ProtocolError(`malformed awareness state for client ${entry.clientId}`)
  }
}
