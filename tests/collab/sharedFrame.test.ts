import { describe, expect, it } from 'vitest'
import * as ws from 'ws'

// ws exports its Sender at runtime; @types/ws does not declare it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }
import { SharedFrame } from '../../server/collab/sharedFrame.ts'

describe('SharedFrame', () => {
  it.each([0, 1, 125, 126, 127, 65535, 65536, 70000])('frames a %i-byte message exactly as ws does', (n) => {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff)
    const expected = Buffer.concat(Sender.frame(Buffer.from(data), { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: true }))
    expect(Buffer.compare(new SharedFrame(data).wire(), expected)).toBe(0)
  })
})
