/**
 * The bus's wire format: lib0 encoding, as the collaboration protocol uses.
 * Updates are binary and can be megabytes, so length-prefixed byte arrays
 * (varUint8Array) carry them as they are; JSON would need base64 (a third
 * bigger, and an encode and decode pass over every byte). Every frame:
 *
 *   varUint    CODEC_VERSION
 *   varString  sender's instance id
 *   varUint    message tag (DocTag or ControlTag, by channel)
 *   ...        the message's fields, in the order written below
 *
 * During a rolling deploy old and new instances share the bus, so a frame
 * with an unknown version or tag decodes to null (the bus counts it as
 * malformed and drops it) instead of throwing into a subscriber. A dropped
 * update costs nothing lasting: the receiver notices the gap in sequence
 * numbers and reads the store.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { AiCommand, ControlMessage, DocConnectionCount, DocMessage, InstanceId } from './types.ts'

export const CODEC_VERSION = 1

export const DocTag = {
  Update: 0,
  Awareness: 1,
  AwarenessQuery: 2,
  Heads: 3,
} as const

export const ControlTag = {
  Revoked: 0,
  Deleted: 1,
  InstanceHeartbeat: 2,
  InstanceLeaving: 3,
  AiCommand: 4,
  DocConnections: 5,
  Restoring: 6,
  AiStopped: 7,
} as const

const AI_COMMANDS: readonly AiCommand[] = ['cancel', 'accept', 'discard']

export interface Decoded<M> {
  message: M
  from: InstanceId
}

function header(from: InstanceId, tag: number): encoding.Encoder {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, CODEC_VERSION)
  encoding.writeVarString(e, from)
  encoding.writeVarUint(e, tag)
  return e
}

export function encodeDocMessage(from: InstanceId, m: DocMessage): Uint8Array {
  switch (m.type) {
    case 'update': {
      const e = header(from, DocTag.Update)
      encoding.writeVarUint(e, m.firstSeq)
      encoding.writeVarUint(e, m.updates.length)
      for (const u of m.updates) encoding.writeVarUint8Array(e, u)
      return encoding.toUint8Array(e)
    }
    case 'awareness': {
      const e = header(from, DocTag.Awareness)
      encoding.writeVarUint8Array(e, m.update)
      return encoding.toUint8Array(e)
    }
    case 'awareness-query':
      return encoding.toUint8Array(header(from, DocTag.AwarenessQuery))
    case 'heads': {
      const e = header(from, DocTag.Heads)
      encoding.writeVarUint(e, m.lastSeq)
      return encoding.toUint8Array(e)
    }
  }
}

export function encodeControlMessage(from: InstanceId, m: ControlMessage): Uint8Array {
  switch (m.type) {
    case 'revoked': {
      const e = header(from, ControlTag.Revoked)
      encoding.writeVarString(e, m.jti)
      return encoding.toUint8Array(e)
    }
    case 'deleted': {
      const e = header(from, ControlTag.Deleted)
      encoding.writeVarString(e, m.docId)
      return encoding.toUint8Array(e)
    }
    case 'restoring': {
      const e = header(from, ControlTag.Restoring)
      encoding.writeVarString(e, m.docId)
      return encoding.toUint8Array(e)
    }
    case 'ai-stopped': {
      const e = header(from, ControlTag.AiStopped)
      encoding.writeVarString(e, m.docId)
      encoding.writeVarUint(e, m.jobIds.length)
      for (const id of m.jobIds) encoding.writeVarString(e, id)
      return encoding.toUint8Array(e)
    }
    case 'instance-heartbeat':
      return encoding.toUint8Array(header(from, ControlTag.InstanceHeartbeat))
    case 'instance-leaving':
      return encoding.toUint8Array(header(from, ControlTag.InstanceLeaving))
    case 'ai-command': {
      const e = header(from, ControlTag.AiCommand)
      encoding.writeVarString(e, m.jobId)
      encoding.writeVarUint(e, AI_COMMANDS.indexOf(m.command))
      return encoding.toUint8Array(e)
    }
    case 'doc-connections': {
      const e = header(from, ControlTag.DocConnections)
      encoding.writeVarUint(e, m.counts.length)
      for (const { docId, count } of m.counts) {
        encoding.writeVarString(e, docId)
        encoding.writeVarUint(e, count)
      }
      return encoding.toUint8Array(e)
    }
  }
}

/** The decoded frame, or null if it is truncated, has trailing bytes, or is of an unknown version or tag. */
export function decodeDocMessage(frame: Uint8Array): Decoded<DocMessage> | null {
  return decodeFrame(frame, (d, tag): DocMessage | null => {
    switch (tag) {
      case DocTag.Update: {
        const firstSeq = decoding.readVarUint(d)
        const count = decoding.readVarUint(d)
        const updates: Uint8Array[] = []
        for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(d))
        return { type: 'update', firstSeq, updates }
      }
      case DocTag.Awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(d) }
      case DocTag.AwarenessQuery:
        return { type: 'awareness-query' }
      case DocTag.Heads:
        return { type: 'heads', lastSeq: decoding.readVarUint(d) }
      default:
        return null
    }
  })
}

export function decodeControlMessage(frame: Uint8Array): Decoded<ControlMessage> | null {
  return decodeFrame(frame, (d, tag): ControlMessage | null => {
    switch (tag) {
      case ControlTag.Revoked:
        return { type: 'revoked', jti: decoding.readVarString(d) }
      case ControlTag.Deleted:
        return { type: 'deleted', docId: decoding.readVarString(d) }
      case ControlTag.Restoring:
        return { type: 'restoring', docId: decoding.readVarString(d) }
      case ControlTag.AiStopped: {
        const docId = decoding.readVarString(d)
        const jobIds: string[] = []
        for (let n = decoding.readVarUint(d); n > 0; n--) jobIds.push(decoding.readVarString(d))
        return { type: 'ai-stopped', docId, jobIds }
      }
      case ControlTag.InstanceHeartbeat:
        return { type: 'instance-heartbeat' }
      case ControlTag.InstanceLeaving:
        return { type: 'instance-leaving' }
      case ControlTag.AiCommand: {
        const jobId = decoding.readVarString(d)
        const command = AI_COMMANDS[decoding.readVarUint(d)]
        return command ? { type: 'ai-command', jobId, command } : null
      }
      case ControlTag.DocConnections: {
        const counts: DocConnectionCount[] = []
        for (let n = decoding.readVarUint(d); n > 0; n--) counts.push({ docId: decoding.readVarString(d), count: decoding.readVarUint(d) })
        return { type: 'doc-connections', counts }
      }
      default:
        return null
    }
  })
}

function decodeFrame<M>(frame: Uint8Array, body: (d: decoding.Decoder, tag: number) => M | null): Decoded<M> | null {
  try {
    const d = decoding.createDecoder(frame)
    if (decoding.readVarUint(d) !== CODEC_VERSION) return null
    const from = decoding.readVarString(d)
    const message = body(d, decoding.readVarUint(d))
    // Trailing bytes mean a frame we do not understand, not a shorter one.
    if (message === null || decoding.hasContent(d)) return null
    return { message, from }
  } catch {
    // lib0 throws when a read runs past the end: a truncated frame.
    return null
  }
}
