import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import {
  CODEC_VERSION,
  decodeControlMessage,
  decodeDocMessage,
  encodeControlMessage,
  encodeDocMessage,
} from '../../server/bus/codec.ts'
import type { ControlMessage, DocMessage } from '../../server/bus/types.ts'
import { rng } from '../support/wait.ts'

const FROM = 'instance-é-1'

function bytes(n: number, seed: number): Uint8Array {
  const r = rng(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256))
}

const docMessages: DocMessage[] = [
  { type: 'update', firstSeq: 1, updates: [bytes(10, 1)] },
  { type: 'update', firstSeq: 2 ** 40, updates: [bytes(0, 2), bytes(300, 3), new Uint8Array([0, 0, 0])] },
  { type: 'update', firstSeq: 7, updates: [] },
  { type: 'awareness', update: bytes(64, 4) },
  { type: 'awareness-query' },
  { type: 'heads', lastSeq: 0 },
  { type: 'heads', lastSeq: Number.MAX_SAFE_INTEGER },
]

const controlMessages: ControlMessage[] = [
  { type: 'revoked', jti: 'abc-123' },
  { type: 'deleted', docId: 'doc/with spaces/ü' },
  { type: 'restoring', docId: 'doc/ü' },
  { type: 'ai-stopped', docId: 'doc/ü', jobIds: [] },
  { type: 'ai-stopped', docId: 'd', jobIds: ['job-1', 'job-2'] },
  { type: 'instance-heartbeat' },
  { type: 'instance-leaving' },
  { type: 'ai-command', jobId: 'j1', command: 'cancel' },
  { type: 'ai-command', jobId: 'j2', command: 'accept' },
  { type: 'ai-command', jobId: 'j3', command: 'discard' },
  { type: 'doc-connections', counts: [] },
  { type: 'doc-connections', counts: [{ docId: 'a', count: 1 }, { docId: 'doc/ü', count: 500 }] },
]

describe('bus codec', () => {
  it.each(docMessages)('round-trips a $type document message', (m) => {
    expect(decodeDocMessage(encodeDocMessage(FROM, m))).toEqual({ message: m, from: FROM })
  })

  it.each(controlMessages)('round-trips a $type control message', (m) => {
    expect(decodeControlMessage(encodeControlMessage(FROM, m))).toEqual({ message: m, from: FROM })
  })

  it('carries a 1 MiB update byte-exact', () => {
    const big = bytes(1 << 20, 9)
    const decoded = decodeDocMessage(encodeDocMessage(FROM, { type: 'update', firstSeq: 5, updates: [big] }))
    expect(decoded?.message.type === 'update' && Buffer.compare(decoded.message.updates[0]!, big)).toBe(0)
  })

  it('rejects every truncation of a frame instead of reading half of it', () => {
    for (const m of docMessages) {
      const frame = encodeDocMessage(FROM, m)
      for (let n = 0; n < frame.length; n++) expect(decodeDocMessage(frame.subarray(0, n))).toBeNull()
    }
    for (const m of controlMessages) {
      const frame = encodeControlMessage(FROM, m)
      for (let n = 0; n < frame.length; n++) expect(decodeControlMessage(frame.subarray(0, n))).toBeNull()
    }
  })

  it('rejects trailing bytes, unknown tags and other versions (a newer instance during a rolling deploy)', () => {
    const frame = encodeDocMessage(FROM, { type: 'heads', lastSeq: 3 })
    expect(decodeDocMessage(Uint8Array.from([...frame, 0]))).toBeNull()
    const unknownTag = encoding.createEncoder()
    encoding.writeVarUint(unknownTag, CODEC_VERSION)
    encoding.writeVarString(unknownTag, FROM)
    encoding.writeVarUint(unknownTag, 99)
    expect(decodeDocMessage(encoding.toUint8Array(unknownTag))).toBeNull()
    expect(decodeControlMessage(encoding.toUint8Array(unknownTag))).toBeNull()
    expect(decodeDocMessage(Uint8Array.from([CODEC_VERSION + 1, ...frame.subarray(1)]))).toBeNull()
  })

  it('rejects an unknown AI command', () => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, CODEC_VERSION)
    encoding.writeVarString(e, FROM)
    encoding.writeVarUint(e, 4)
    encoding.writeVarString(e, 'job')
    encoding.writeVarUint(e, 3)
    expect(decodeControlMessage(encoding.toUint8Array(e))).toBeNull()
  })

  it('never throws on random bytes', () => {
    const r = rng(42)
    for (let i = 0; i < 2000; i++) {
      const junk = bytes(Math.floor(r() * 40), i)
      expect(() => decodeDocMessage(junk)).not.toThrow()
      expect(() => decodeControlMessage(junk)).not.toThrow()
    }
  })
})
