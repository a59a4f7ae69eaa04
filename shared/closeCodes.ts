/**
 * WebSocket close codes used by the collaboration endpoint.
 *
 * The y-websocket client reconnects after any close. 4400–4499 are
 * permanent refusals: the client in this repo stops retrying and shows the
 * reason. Everything else is transient and the client reconnects (with
 * backoff), resyncing from its state vector.
 */
export const CloseCode = {
  /** Normal server shutdown or restart: reconnect. */
  GoingAway: 1001,
  /** A frame the server could not decode, or an unknown message type. */
  ProtocolError: 4400,
  /** Missing or invalid token. */
  Unauthorized: 4401,
  /** Token valid, but it does not grant this document or role. */
  Forbidden: 4403,
  /** The document id breaks the id rule. */
  InvalidDocId: 4404,
  /** The Origin header is not allowed. */
  OriginNotAllowed: 4405,
  /**
   * A single frame exceeded MAX_MESSAGE_BYTES. This is the standard code
   * (RFC 6455), sent by the socket layer before the frame is even buffered.
   */
  MessageTooBig: 1009,
  /** The document would exceed its size limit. */
  DocumentTooLarge: 4414,
  /** The document was deleted while connected. */
  DocumentDeleted: 4410,
  /** Too many connections from this address or to this document (transient). */
  TooManyConnections: 4503,
  /** Loading the document from storage failed (transient). */
  LoadFailed: 4500,
  /** Storage is failing: the server refuses writes it cannot persist (transient). */
  StorageUnavailable: 4501,
  /** The connection's send buffer grew too large; reconnect and resync (transient). */
  SlowConsumer: 4502,
  /** The peer did not answer pings (transient). */
  Timeout: 4504,
} as const

export type CloseCodeName = keyof typeof CloseCode
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName]

/**
 * Permanent refusals: reconnecting cannot help, so clients must not retry.
 * 1009 is included because the same oversized edit would be resent.
 */
export function isPermanentClose(code: number): boolean {
  return (code >= 4400 && code <= 4499) || code === CloseCode.MessageTooBig
}

export const CLOSE_REASONS: Record<CloseCodeValue, string> = {
  1001: 'server going away',
  4400: 'protocol error',
  4401: 'unauthorized',
  4403: 'forbidden',
  4404: 'invalid document id',
  4405: 'origin not allowed',
  4410: 'document deleted',
  1009: 'message too big',
  4414: 'document too large',
  4500: 'document failed to load',
  4501: 'storage unavailable',
  4502: 'slow consumer',
  4503: 'too many connections',
  4504: 'ping timeout',
}
