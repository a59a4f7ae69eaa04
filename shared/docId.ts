/**
 * Document ids name rooms, storage keys and URLs (`/d/<id>`), so one rule is
 * shared by the client, the HTTP API and the WebSocket endpoint.
 *
 * Rule: 1–128 characters of `[A-Za-z0-9_-]`. Ids are only ever used as keys in
 * storage, never as file paths, so this rule is about clarity, not safety.
 */
export const DOC_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

export const DOC_ID_RULE = '1-128 characters of A-Z, a-z, 0-9, "_" and "-"'

export function isValidDocId(id: unknown): id is string {
  return typeof id === 'string' && DOC_ID_PATTERN.test(id)
}

const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A fresh, URL-friendly id: 14 characters, ~81 bits of randomness. */
export function newDocId(): string {
  const bytes = new Uint8Array(14)
  crypto.getRandomValues(bytes)
  let id = ''
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length]
  return id
}
