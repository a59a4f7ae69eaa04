import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { SERVER_CLIENT_ID_LIMIT } from '../../shared/copies.ts'
import { clientsIn, pickServerClientId } from '../../server/collab/serverClientId.ts'
import { rng } from '../support/wait.ts'

describe('server client ids', () => {
  it('are small (the AI wins the left side) and never one the loaded document already contains', () => {
    const doc = new Y.Doc()
    const random = rng(3)
    // Make the first pick of this seeded sequence an id the document holds.
    const first = pickServerClientId(() => false, rng(3))
    doc.clientID = first
    doc.getText('t').insert(0, 'written by another instance')
    const used = clientsIn(Y.encodeStateAsUpdate(doc))
    expect(used.has(first)).toBe(true)
    const picked = pickServerClientId((id) => used.has(id), random)
    expect(picked).not.toBe(first)
    expect(picked).toBeGreaterThan(0)
    expect(picked).toBeLessThan(SERVER_CLIENT_ID_LIMIT)
    expect(clientsIn(null).size).toBe(0)
  })
})
