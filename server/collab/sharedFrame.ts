/**
 * One broadcast message, framed for the WebSocket wire once and then written
 * as the same buffer to every connection. Per-recipient work is then just a
 * socket write: no per-socket header allocation or framing.
 */
export class SharedFrame {
  private framed: Buffer | null = null

  constructor(readonly data: Uint8Array) {}

  /** A final, unmasked binary frame (RFC 6455 §5.2), built on first use. */
  wire(): Buffer {
    if (this.framed) return this.framed
    const len = this.data.byteLength
    const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10
    const buf = Buffer.allocUnsafe(headerLen + len)
    buf[0] = 0x82 // FIN + binary opcode
    if (len < 126) buf[1] = len
    else if (len < 65536) {
      buf[1] = 126
      buf.writeUInt16BE(len, 2)
    } else {
      buf[1] = 127
      buf.writeUInt32BE(Math.floor(len / 2 ** 32), 2)
      buf.writeUInt32BE(len >>> 0, 6)
    }
    buf.set(this.data, headerLen)
    this.framed = buf
    return buf
  }
}
