/**
 * Server client id claims for a store only one process uses (memory,
 * SQLite): the process's own rooms are all there is to collide with, so an
 * in-memory set is the whole truth. (See DocStore.claimClientId.)
 */
export class LocalClaims {
  private readonly held = new Set<string>()

  claim(docId: string, clientId: number): boolean {
    const key = `${docId}\u0000${clientId}`
    if (this.held.has(key)) return false
    this.held.add(key)
    return true
  }

  release(docId: string, clientId: number): void {
    this.held.delete(`${docId}\u0000${clientId}`)
  }
}
