/**
 * Typed transaction origins. Every change to a room's Y.Doc is made under one
 * of these, so the room can tell what to persist and whom to broadcast to, and
 * an AI job's UndoManager can track exactly its own changes.
 */
import type { Connection } from './connection.ts'

export type ConnectionOrigin = { readonly kind: 'connection'; readonly connection: Connection }
/** One object per AI job; its identity is what the job's UndoManager tracks. */
export type AiOrigin = { readonly kind: 'ai'; readonly jobId: string }
/** Applying stored state while loading: never persisted again or broadcast. */
export type LoadOrigin = { readonly kind: 'load' }

/**
 * Updates another instance stored and published (or that gap repair read
 * back from the store): broadcast to this room's connections, but never
 * stored again and never published again.
 */
export type RemoteOrigin = { readonly kind: 'remote' }

/** A version restored as a new edit (server/versions): stored and broadcast like any edit. */
export type RestoreOrigin = { readonly kind: 'restore'; readonly versionId: string; readonly by: string | null }

export type TxOrigin = ConnectionOrigin | AiOrigin | LoadOrigin | RemoteOrigin | RestoreOrigin

export const LOAD_ORIGIN: LoadOrigin = Object.freeze({ kind: 'load' })
export const REMOTE_ORIGIN: RemoteOrigin = Object.freeze({ kind: 'remote' })

export function isTxOrigin(o: unknown): o is TxOrigin {
  return typeof o === 'object' && o !== null && 'kind' in o
}
