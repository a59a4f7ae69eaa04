/**
 * Before a restore: stop the document's AI jobs on every instance and wait
 * until their last words are in this room, so that the restore replaces
 * them instead of racing them.
 *
 * Every other live instance answers the bus's `restoring` once its jobs in
 * the document have ended and what they wrote is stored and published
 * (ClusterRules.restoring); then this room reads from the store whatever it
 * has not yet heard over the bus (Room.catchUp; alone, it has everything).
 */
import type { Room } from '../collab/room.ts'

export async function quietAiWriters(room: Room, stopEverywhere: () => Promise<void>): Promise<void> {
  await stopEverywhere()
  await room.catchUp()
}
