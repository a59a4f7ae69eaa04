/**
 * Which Yjs items the writer created.
 *
 * Every item the writer makes is created inside its own transactions, so the
 * clock ranges its client advanced during those transactions identify them
 * exactly. Ranges are kept per client id because Yjs picks a new client id
 * for a document that sees its own id in a remote update.
 */
export class OwnedClocks {
  private readonly ranges = new Map<number, Array<[number, number]>>()
  private open: { client: number; from: number } | null = null

  /** Everything the client creates from `clock` on is ours until `end`. */
  begin(client: number, clock: number): void {
    this.open = { client, from: clock }
  }

  end(clock: number): void {
    const open = this.open
    this.open = null
    if (open === null || clock <= open.from) return
    const list = this.ranges.get(open.client) ?? []
    const last = list[list.length - 1]
    if (last !== undefined && last[1] === open.from) last[1] = clock
    else list.push([open.from, clock])
    this.ranges.set(open.client, list)
  }

  /** True when every clock in [clock, clock + length) was created by the writer. */
  owns(client: number, clock: number, length = 1): boolean {
    const end = clock + length
    let at = clock
    while (at < end) {
      if (this.open !== null && this.open.client === client && at >= this.open.from) return true
      const range = this.rangeAt(client, at)
      if (range === null) return false
      at = range[1]
    }
    return true
  }

  private rangeAt(client: number, clock: number): [number, number] | null {
    const list = this.ranges.get(client)
    if (list === undefined) return null
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const range = list[mid] as [number, number]
      if (clock < range[0]) hi = mid - 1
      else if (clock >= range[1]) lo = mid + 1
      else return range
    }
    return null
  }
}
