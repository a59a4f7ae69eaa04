/**
 * Anchors arrive as base64 `Y.encodeRelativePosition` values. They are
 * decoded defensively (they are untrusted bytes) and must point into the
 * room's document fragment.
 */
import * as Y from 'yjs'
import { fromBase64 } from 'lib0/buffer'
import { ApiError } from '../http/errors.ts'

export function decodeAnchor(b64: string, doc: Y.Doc, fragment: Y.XmlFragment, field: string): Y.RelativePosition {
  let rpos: Y.RelativePosition
  try {
    rpos = Y.decodeRelativePosition(fromBase64(b64))
  } catch {
    throw new ApiError(400, 'bad_request', `${field}: not an encoded Yjs relative position`)
  }
  const abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc)
  if (!abs || !isInside(abs.type, fragment)) {
    throw new ApiError(400, 'bad_request', `${field}: does not point into this document (was the text deleted?)`)
  }
  return rpos
}

function isInside(type: Y.AbstractType<unknown>, fragment: Y.XmlFragment): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t; t = t._item ? (t._item.parent as Y.AbstractType<unknown>) : null) {
    if (t === fragment) return true
  }
  return false
}
