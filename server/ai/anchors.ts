/**
 * Anchors arrive as base64 `Y.encodeRelativePosition` values. They are
 * decoded defensively (they are untrusted bytes) and must point into the
 * room's document fragment.
 */
import * as Y from 'yjs'
import { fromBase64 } from 'lib0/buffer'
import { ApiError } from '../http/errors.ts'

/** How long a request waits for the text its anchor points into to arrive. */
const ANCHOR_WAIT_MS = 3000

/**
 * The anchor's position, once this server has the text it points into.
 *
 * A person types a paragraph and asks the AI about it at once: the request
 * (HTTP) can overtake the paragraph (WebSocket), or land on another instance
 * than the one that stored it. So an anchor into items this document has
 * not seen yet waits for them (reading the store, with several instances)
 * before it is refused; an anchor into deleted text is refused at once.
 */
export async function resolveAnchor(b64: string, room: { doc: Y.Doc; fragment: Y.XmlFragment; catchUp(): Promise<void> }, field: string): Promise<Y.RelativePosition> {
  const rpos = parseAnchor(b64, field)
  const needs = rpos.item ?? rpos.type
  if (needs !== null && Y.getState(room.doc.store, needs.client) <= needs.clock) {
    await room.catchUp()
    await arrival(room.doc, needs)
  }
  return checkAnchor(rpos, room.doc, room.fragment, field)
}

function arrival(doc: Y.Doc, id: Y.ID): Promise<void> {
  if (Y.getState(doc.store, id.client) > id.clock) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      doc.off('update', check)
      resolve()
    }
    const check = () => {
      if (Y.getState(doc.store, id.client) > id.clock) done()
    }
    const timer = setTimeout(done, ANCHOR_WAIT_MS)
    doc.on('update', check)
  })
}

function parseAnchor(b64: string, field: string): Y.RelativePosition {
  try {
    return Y.decodeRelativePosition(fromBase64(b64))
  } catch {
    throw new ApiError(400, 'bad_request', `${field}: not an encoded Yjs relative position`)
  }
}

export function decodeAnchor(b64: string, doc: Y.Doc, fragment: Y.XmlFragment, field: string): Y.RelativePosition {
  return checkAnchor(parseAnchor(b64, field), doc, fragment, field)
}

function checkAnchor(rpos: Y.RelativePosition, doc: Y.Doc, fragment: Y.XmlFragment, field: string): Y.RelativePosition {
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
