/**
 * The client id of a room's server document, under which AI jobs write.
 *
 * Small, below SERVER_CLIENT_ID_LIMIT: YATA orders concurrent inserts at the
 * same position by client id, lowest first, and browsers pick random 32-bit
 * ids, so the AI's text wins the left side and a person typing at the AI's
 * insertion point lands after it instead of splitting it.
 *
 * With several instances, two rooms of one document writing under the same
 * id would create different items with the same (client, clock) and diverge
 * for good: Yjs notices a clash only for its own local transactions. So the
 * id is random per room load, never one the document already contains
 * (`taken`: the loaded state vector), and claimed in the store all
 * instances share before the room writes under it (DocStore.claimClientId;
 * released when the room closes). Two rooms of one document therefore never
 * hold the same id. As a last guard, a room that sees its own id in a
 * remote update changes it (Room.applyRemote).
 */
import * as Y from 'yjs'
import { SERVER_CLIENT_ID_LIMIT } from '../../shared/copies.ts'

/** Tries before settling for a taken id: a document written by tens of thousands of room loads may have few free ones. */
const MAX_TRIES = 64

export function pickServerClientId(taken: (id: number) => boolean = () => false, random: () => number = Math.random): number {
  let id = 0
  for (let i = 0; i < MAX_TRIES; i++) {
    id = 1 + Math.floor(random() * (SERVER_CLIENT_ID_LIMIT - 2))
    if (!taken(id)) return id
  }
  return id
}

/** The client ids a stored state already contains, without building a Y.Doc. */
export function clientsIn(state: Uint8Array | null): Map<number, number> {
  return state ? Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)) : new Map()
}
