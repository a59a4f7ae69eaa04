/**
 * Holds the rooms of one server, and the promises of rooms still loading, so
 * concurrent joins share one load. A room leaves memory a short while after
 * its last connection and lease are gone, once its state is stored.
 */
import type { VersionHistory } from '../versions/history.ts'
import type { DocStore } from '../storage/types.ts'
import { withIds, type Logger } from '../log.ts'
import type { CloseCodeValue } from '../../shared/closeCodes.ts'
import { Room } from './room.ts'
import type { Connection } from './connection.ts'
import type { RoomSocket } from './socket.ts'
import type { BusLink } from './roomBus.ts'
import type { Metrics } from '../metrics/index.ts'

export interface RegistryOptions {
  store: DocStore
  log: Logger
  compactAfterUpdates: number
  maxBufferedBytes: number
  maxDocBytes: number
  /** Keep an idle room this long in case someone comes back (0 = unload at once). */
  unloadDelayMs: number
  /** Several instances: every room links to the others over this bus. */
  bus?: BusLink
  /** Automatic versions: the history and the quiet period before one is taken. */
  versions?: { history: VersionHistory; quietMs: number }
  metrics?: Metrics
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()
  private readonly loading = new Map<string, Promise<Room>>()
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>()
  private readonly failingRooms = new Set<string>()
  private shuttingDown = false

  constructor(private readonly opts: RegistryOptions) {}

  /** The loaded room with its document built, for code that reads or writes it. */
  async acquire(docId: string): Promise<Room> {
    const room = await this.acquireLazy(docId)
    room.hydrate()
    return room
  }

  /** The loaded room, or a shared load of it; its Y.Doc may still be hydrating. */
  private async acquireLazy(docId: string): Promise<Room> {
    if (this.shuttingDown) throw new Error('server is shutting down')
    this.cancelUnload(docId)
    const existing = this.rooms.get(docId)
    if (existing && !existing.closed) return existing
    const inFlight = this.loading.get(docId)
    if (inFlight) return inFlight
    const load = this.load(docId)
    this.loading.set(docId, load)
    try {
      return await load
    } finally {
      this.loading.delete(docId)
    }
  }

  /** Load (if needed) and attach a socket in one step. */
  async join(docId: string, socket: RoomSocket, options: { readOnly: boolean; name?: string }): Promise<{ room: Room; connection: Connection }> {
    // A room may close between the load and the join; then load it again.
    for (;;) {
      const room = await this.acquireLazy(docId)
      if (!room.closed) return { room, connection: room.join(socket, options) }
    }
  }

  /** The rooms in memory now (not those still loading). */
  loaded(): IterableIterator<Room> {
    return this.rooms.values()
  }

  get(docId: string): Room | undefined {
    return this.rooms.get(docId)
  }

  get size(): number {
    return this.rooms.size
  }

  get connectionCount(): number {
    let n = 0
    for (const r of this.rooms.values()) n += r.connections.size
    return n
  }

  /** Rooms being read from the store now. */
  get loadingCount(): number {
    return this.loading.size
  }

  /** Rooms whose writes are failing (kept in memory, refusing edits). */
  get storageFailingCount(): number {
    return this.failingRooms.size
  }

  get storageFailing(): boolean {
    return this.failingRooms.size > 0
  }

  get pendingWrites(): number {
    let n = 0
    for (const r of this.rooms.values()) n += r.persistence.pending
    return n
  }

  get lastStorageError(): string | null {
    for (const r of this.rooms.values()) if (r.persistence.lastError) return r.persistence.lastError.message
    return null
  }

  /** Close the room's connections with `code` and free it without storing. */
  evict(docId: string, code: CloseCodeValue): void {
    const room = this.rooms.get(docId)
    if (!room) return
    this.rooms.delete(docId)
    this.cancelUnload(docId)
    for (const conn of [...room.connections]) {
      conn.close(code)
      room.leave(conn)
    }
    room.destroy()
  }

  /** Store and close every room (graceful shutdown). */
  async shutdown(code: CloseCodeValue, timeoutMs = 10_000): Promise<void> {
    this.shuttingDown = true
    for (const t of this.unloadTimers.values()) clearTimeout(t)
    this.unloadTimers.clear()
    await Promise.allSettled([...this.loading.values()])
    const closing = [...this.rooms.values()].map((r) => r.close(code))
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref())
    const result = await Promise.race([Promise.allSettled([...closing, ...this.unloading.values()]), timeout])
    if (result === 'timeout') this.opts.log.error('shutdown: some rooms could not be stored in time (storage failing?)')
    this.rooms.clear()
  }

  private async load(docId: string): Promise<Room> {
    const unloading = this.unloading.get(docId)
    if (unloading) await unloading
    const room = await Room.load({
      docId,
      store: this.opts.store,
      // Every line of the room (and its persistence, summary, versions, bus link) carries the doc id.
      log: withIds(this.opts.log, { docId }),
      compactAfterUpdates: this.opts.compactAfterUpdates,
      maxBufferedBytes: this.opts.maxBufferedBytes,
      maxDocBytes: this.opts.maxDocBytes,
      onIdle: (r) => this.scheduleUnload(r),
      ...(this.opts.bus && { bus: this.opts.bus }),
      ...(this.opts.versions && { versions: this.opts.versions }),
      ...(this.opts.metrics && { metrics: this.opts.metrics }),
      onStorageHealth: (r, failing) => {
        if (failing) this.failingRooms.add(r.docId)
        else this.failingRooms.delete(r.docId)
      },
    })
    this.rooms.set(docId, room)
    return room
  }

  private scheduleUnload(room: Room): void {
    if (this.shuttingDown || this.unloadTimers.has(room.docId)) return
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.docId)
      if (!room.isIdle || this.rooms.get(room.docId) !== room) return
      // A room whose writes are failing holds the only copy of them: keep it
      // in memory until storage recovers.
      if (!room.writable) this.scheduleUnload(room)
      else void this.unload(room)
    }, this.opts.unloadDelayMs)
    timer.unref?.()
    this.unloadTimers.set(room.docId, timer)
  }

  private cancelUnload(docId: string): void {
    const t = this.unloadTimers.get(docId)
    if (t) {
      clearTimeout(t)
      this.unloadTimers.delete(docId)
    }
  }

  private async unload(room: Room): Promise<void> {
    this.rooms.delete(room.docId)
    const done = room
      .close()
      .catch((err: unknown) => this.opts.log.error(`failed to store ${room.docId} on unload`, { docId: room.docId, err }))
      .finally(() => {
        this.unloading.delete(room.docId)
        this.failingRooms.delete(room.docId)
      })
    this.unloading.set(room.docId, done)
    await done
  }
}
