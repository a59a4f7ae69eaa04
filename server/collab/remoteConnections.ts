/**
 * The other instances' open sockets per document, as they last said (see
 * ClusterRules), for the cluster-wide MAX_CONNECTIONS_PER_DOC. Each message
 * replaces its sender's whole set. A set not renewed within the timeout
 * stops counting, so a killed instance's sockets free their places once it
 * falls silent, as its carets do.
 */
import type { DocConnectionCount, InstanceId } from '../bus/types.ts'

export class RemoteConnections {
  private readonly byInstance = new Map<InstanceId, { at: number; counts: Map<string, number> }>()

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  record(from: InstanceId, counts: readonly DocConnectionCount[]): void {
    this.byInstance.set(from, { at: this.now(), counts: new Map(counts.map((c) => [c.docId, c.count])) })
  }

  forget(from: InstanceId): void {
    this.byInstance.delete(from)
  }

  /** The other instances heard from within the timeout (each publishes its counts every heartbeat, none or not). */
  live(): InstanceId[] {
    const cutoff = this.now() - this.timeoutMs
    return [...this.byInstance].filter(([, { at }]) => at >= cutoff).map(([id]) => id)
  }

  /** The document's sockets on every other live instance. */
  count(docId: string): number {
    const cutoff = this.now() - this.timeoutMs
    let n = 0
    for (const [id, { at, counts }] of this.byInstance) {
      if (at < cutoff) this.byInstance.delete(id)
      else n += counts.get(docId) ?? 0
    }
    return n
  }
}
