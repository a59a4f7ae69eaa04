/**
 * Sets of Yjs item ids as plain JSON, for the two places an AI job's items
 * cross the wire: the pending mark (which characters and blocks are a job's,
 * published in the AI's awareness state) and Undo after Accept (what the job
 * inserted and deleted, returned by `accept`).
 *
 * Shape: `[[client, [clock, len, clock, len, ...]], ...]`, the same ranges a
 * Y.DeleteSet holds (sorted, merged). An AI job's items are almost always one
 * range, since a job's flushes take consecutive clocks of the server's client.
 */
import * as Y from 'yjs'

export type ItemRanges = Array<[client: number, ranges: number[]]>

type DeleteSet = ReturnType<typeof Y.createDeleteSet>

export function rangesFromDeleteSet(ds: DeleteSet): ItemRanges {
  const out: ItemRanges = []
  for (const [client, items] of ds.clients) {
    const flat: number[] = []
    for (const { clock, len } of items) flat.push(clock, len)
    if (flat.length > 0) out.push([client, flat])
  }
  return out
}

export function deleteSetFromRanges(ranges: ItemRanges): DeleteSet {
  const ds = Y.createDeleteSet()
  for (const [client, flat] of ranges) {
    const items: Array<{ clock: number; len: number }> = []
    for (let i = 0; i + 1 < flat.length; i += 2) items.push({ clock: flat[i] as number, len: flat[i + 1] as number })
    items.sort((a, b) => a.clock - b.clock)
    // DeleteItem is not exported; iterateDeletedStructs reads only clock/len.
    ds.clients.set(client, items as never)
  }
  return ds
}

/** Validates untrusted JSON (an awareness state, a response body). */
export function readItemRanges(value: unknown, maxRanges = 100_000): ItemRanges | null {
  if (!Array.isArray(value) || value.length > 64) return null
  const out: ItemRanges = []
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2) return null
    const [client, flat] = entry as [unknown, unknown]
    if (!Number.isSafeInteger(client) || (client as number) < 0) return null
    if (!Array.isArray(flat) || flat.length % 2 !== 0 || flat.length > maxRanges * 2) return null
    if (!flat.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null
    out.push([client as number, flat as number[]])
  }
  return out
}

/** The highest clock (exclusive) each client's ranges reach. */
export function rangeEnds(ranges: ItemRanges): Map<number, number> {
  const ends = new Map<number, number>()
  for (const [client, flat] of ranges) {
    let end = 0
    for (let i = 0; i + 1 < flat.length; i += 2) end = Math.max(end, (flat[i] as number) + (flat[i + 1] as number))
    ends.set(client, Math.max(end, ends.get(client) ?? 0))
  }
  return ends
}
