/**
 * A room is one document in memory: its Y.Doc, awareness, connections,
 * persistence and the AI jobs writing into it. The WebSocket edge hands it
 * raw frames; everything protocol-related happens here.
 *
 * Per connection, the handshake is y-websocket's: on join the server sends
 * SyncStep1 (its state vector) and the current awareness states; the client
 * answers with SyncStep2 (what the server lacks) and its own SyncStep1, which
 * the server answers with SyncStep2 (a diff against the client's state
 * vector). Rooms are loaded before any client is attached, so the first
 * SyncStep2 a client receives already carries the stored content.
 *
 * A SyncStep2 answering a client's SyncStep1 leaves only once every update
 * received before that SyncStep1 is stored (`StoredAnswers`): the client's
 * save probe takes that answer as proof that its edits are stored. A fresh
 * client's (empty state vector) is the exception: it has no edits.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode } from '../../shared/closeCodes.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import type { DocStore } from '../storage/types.ts'
import type { Logger } from '../log.ts'
import { Connection, type ConnectionOptions } from './connection.ts'
import { LOAD_ORIGIN, REMOTE_ORIGIN, isTxOrigin, type TxOrigin } from './origins.ts'
import { RoomPersistence } from './persistence.ts'
import { decodeMessage, parseAwarenessState, type AwarenessEntry, ProtocolError, type IncomingMessage } from './messages.ts'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeSyncStep2FromUpdate, encodeUpdate } from '../../shared/collabWire.ts'
import type { RoomSocket } from './socket.ts'
import { RoomSummary } from './roomSummary.ts'
import { RoomVersions } from './roomVersions.ts'
import type { VersionHistory } from '../versions/history.ts'
import { mergeMany } from './mergeUpdates.ts'
import { SharedFrame } from './sharedFrame.ts'
import { AwarenessBroadcast } from './awarenessBroadcast.ts'
import { StoredAnswers } from './storedAnswers.ts'
import { RoomBus, type BusLink, type RoomBusTarget } from './roomBus.ts'
import { clientsIn, pickServerClientId } from './serverClientId.ts'
import type { Metrics } from '../metrics/index.ts'

export interface RoomOptions {
  docId: string
  store: DocStore
  log: Logger
  compactAfterUpdates: number
  maxBufferedBytes: number
  /** Refuse client updates that would grow the stored state past this. */
  maxDocBytes: number
  /** Called when the room has no connections and no leases left. */
  onIdle: (room: Room) => void
  onStorageHealth?: (room: Room, failing: boolean) => void
  /** Other instances serve this document too (several instances on PostgreSQL). */
  bus?: BusLink
  /** Automatic versions (server/collab/roomVersions.ts); none without. */
  versions?: { history: VersionHistory; quietMs: number }
  /** The server's metrics; rooms add to its hot counts only. */
  metrics?: Metrics
}

/**
 * Stored states at least this large are applied to the Y.Doc just after the
 * first clients are answered (see `hydrate`).
 */
const LAZY_APPLY_BYTES = 256 * 1024
const HYDRATE_DELAY_MS = 100
/** A document has 65534 server client ids; a claim almost always succeeds at once. */
const CLAIM_TRIES = 32

export class DocumentDeletedError extends Error {
  override name = 'DocumentDeletedError'
}

export class Room implements RoomBusTarget {
  readonly doc: Y.Doc
  readonly fragment: Y.XmlFragment
  readonly awareness: awarenessProtocol.Awareness
  readonly connections = new Set<Connection>()
  readonly persistence: RoomPersistence
  /** Owner of each awareness client id, so nobody can speak for another. */
  private readonly awarenessOwners = new Map<number, Connection>()
  private leases = 0
  /** Title, search text and last editor, stored about once a second while the document changes. */
  private readonly summary: RoomSummary
  /** Automatic versions of this document, when the server keeps them. */
  readonly versions: RoomVersions | null
  /** Stored size estimate: the last snapshot plus the updates since. */
  private sizeBytes = 0
  /** Stored state not yet applied to `doc` (large documents, just loaded). */
  private unhydrated: Uint8Array | null = null
  private hydrateTimer: NodeJS.Timeout | null = null
  /** The whole document encoded, for fresh clients; dropped on every change. */
  private fullState: Uint8Array | null = null
  private readonly awarenessBroadcast: AwarenessBroadcast
  private readonly answers: StoredAnswers
  closed = false
  /** The server client id this room claimed in the store (several instances), to release. */
  private claimedId: number | null = null

  private constructor(
    readonly opts: RoomOptions,
    /** The link to the other instances, or null for a single instance. */
    readonly busLink: RoomBus | null,
  ) {
    // guid: the default is a fresh uuid (33 getRandomValues calls per room);
    // a server doc has no subdocuments, so its guid is never used.
    this.doc = new Y.Doc({ gc: true, guid: opts.docId })
    // Small, so the AI's text wins the left side of concurrent inserts; with
    // other instances, load() picks again among the ids nobody used yet.
    this.doc.clientID = pickServerClientId()
    this.fragment = this.doc.getXmlFragment(DOC_FIELD)
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server is not a participant; only AI jobs publish states.
    this.awareness.setLocalState(null)
    this.persistence = new RoomPersistence({
      docId: opts.docId,
      store: opts.store,
      log: opts.log,
      compactAfterUpdates: opts.compactAfterUpdates,
      ...(opts.metrics && { metrics: opts.metrics }),
      snapshot: () => {
        this.hydrate()
        const snap = Y.encodeStateAsUpdate(this.doc)
        this.sizeBytes = snap.byteLength
        return snap
      },
      onHealthChange: (failing) => opts.onStorageHealth?.(this, failing),
      ...(busLink && { onStored: (firstSeq, updates) => busLink.stored(firstSeq, updates), compactUpto: () => busLink.watermark }),
    })
    this.answers = new StoredAnswers(this.persistence)
    this.summary = new RoomSummary({ docId: opts.docId, store: opts.store, log: opts.log, doc: this.doc, fragment: this.fragment, awareness: this.awareness })
    this.versions = opts.versions
      ? new RoomVersions({ docId: opts.docId, history: opts.versions.history, quietMs: opts.versions.quietMs, fragment: this.fragment, log: opts.log })
      : null
    this.doc.on('update', this.onDocUpdate)
    // Sent to the sender too: y-websocket clients treat 30 s without any
    // message as a dead socket, and a lone client's echoed renewals keep it
    // alive.
    this.awarenessBroadcast = new AwarenessBroadcast(this.awareness, (frame) => {
      for (const c of this.connections) c.sendShared(frame)
    })
  }

  /** Load from storage. Throws `DocumentDeletedError` for a deleted id. */
  static async load(opts: RoomOptions): Promise<Room> {
    // Subscribed (and live) before the read, so nothing stored after the
    // read can be missed (see RoomBus).
    const busLink = opts.bus ? await RoomBus.open(opts.docId, opts.bus, opts.store, opts.log) : null
    const result = await opts.store.load(opts.docId).catch((err: unknown) => {
      busLink?.close()
      throw err
    })
    if (result.status === 'deleted') {
      busLink?.close()
      throw new DocumentDeletedError(opts.docId)
    }
    const room = new Room(opts, busLink)
    if (result.status === 'found') {
      const { snapshot, updates, lastSeq } = result.doc
      const parts = snapshot ? [snapshot, ...updates] : updates
      room.persistence.loaded(lastSeq, updates.length)
      room.sizeBytes = parts.reduce((n, p) => n + p.byteLength, 0)
      // One merged update applies far faster than thousands of small ones.
      if (parts.length > 0) room.unhydrated = mergeMany(parts)
      if (room.sizeBytes < LAZY_APPLY_BYTES) room.hydrate()
      else {
        // Give the clients that triggered the load a moment to send their
        // SyncStep1, so they are answered before the CPU-heavy build.
        room.hydrateTimer = setTimeout(() => room.hydrate(), HYDRATE_DELAY_MS)
        room.hydrateTimer.unref()
      }
    }
    if (busLink) {
      const used = clientsIn(room.unhydrated)
      try {
        await room.claimClientId((id) => used.has(id))
      } catch (err) {
        busLink.close()
        room.destroy()
        throw err
      }
    }
    busLink?.attach(room, result.status === 'found' ? result.doc.lastSeq : 0)
    return room
  }

  /**
   * With several instances: a server client id no other room of this
   * document holds, claimed in the store they share (serverClientId.ts).
   */
  private async claimClientId(taken: (id: number) => boolean): Promise<void> {
    for (let i = 0; i < CLAIM_TRIES; i++) {
      const id = pickServerClientId((candidate) => taken(candidate) || candidate === this.claimedId)
      if (await this.opts.store.claimClientId(this.docId, id)) {
        this.doc.clientID = id
        this.claimedId = id
        return
      }
    }
    throw new Error(`no free server client id for ${this.docId} after ${CLAIM_TRIES} tries`)
  }

  /**
   * Apply an update another instance stored. If it carries items under our
   * own client id, another room of this document picked the same id: take
   * a fresh one before we write under it (see serverClientId.ts).
   */
  applyRemote(update: Uint8Array): void {
    if (this.doc.isDestroyed) return
    this.hydrate()
    const own = this.doc.clientID
    const before = Y.getState(this.doc.store, own)
    try {
      Y.applyUpdate(this.doc, update, REMOTE_ORIGIN)
    } catch (err) {
      // Stored by another instance, so validated there; a bad one must not stop the others.
      this.opts.log.warn(`could not apply a remote update to ${this.docId}`, (err as Error).message)
      return
    }
    if (Y.getState(this.doc.store, own) !== before) {
      this.doc.clientID = pickServerClientId((id) => this.doc.store.clients.has(id))
      this.opts.log.warn(`server client id ${own} of ${this.docId} is used by another instance; now ${this.doc.clientID}`)
    }
  }

  ownsAwareness(clientId: number): boolean {
    return this.awarenessOwners.has(clientId)
  }

  get hydrated(): boolean {
    return this.unhydrated === null
  }

  /**
   * Apply the stored state to the Y.Doc. Building a Y.Doc from a large state
   * takes far longer than reading it (a 100k-edit document: ~300 ms against
   * a few ms), and a fresh client needs only the bytes: its SyncStep1 (an
   * empty state vector) is answered with the stored state itself, which is
   * exactly the diff it asked for. Anything that needs the document
   * (another diff, an update, an AI job, an export) hydrates first; so does
   * the next turn of the event loop. Clients that joined meanwhile get the
   * server's SyncStep1 now.
   */
  hydrate(): void {
    const state = this.unhydrated
    if (!state || this.doc.isDestroyed) return
    this.unhydrated = null
    if (this.hydrateTimer) clearTimeout(this.hydrateTimer)
    // The stored bytes are the full state: keep them for fresh clients.
    this.fullState = state
    Y.applyUpdate(this.doc, state, LOAD_ORIGIN)
    if (this.connections.size === 0) return
    const step1 = encodeSyncStep1(this.doc)
    for (const c of this.connections) c.send(step1)
  }

  get docId(): string {
    return this.opts.docId
  }

  /** Attach a socket. The caller has already checked access. */
  join(socket: RoomSocket, options: Omit<ConnectionOptions, 'maxBufferedBytes'>): Connection {
    if (this.closed) throw new Error('room is closed')
    const conn = new Connection(socket, { ...options, maxBufferedBytes: this.opts.maxBufferedBytes })
    this.connections.add(conn)
    // Before hydration the state vector is unknown; hydrate() sends it.
    if (this.hydrated) conn.send(encodeSyncStep1(this.doc))
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) conn.send(encodeAwareness(this.awareness, states))
    return conn
  }

  /** Handle one binary frame from `conn`. */
  receive(conn: Connection, data: Uint8Array): void {
    if (conn.closed) return
    let msg: IncomingMessage
    try {
      msg = decodeMessage(data)
    } catch (err) {
      this.opts.log.debug(`closing connection to ${this.docId}: ${(err as Error).message}`, { closeCode: CloseCode.ProtocolError })
      conn.close(CloseCode.ProtocolError, (err as ProtocolError).message.slice(0, 120))
      return
    }
    if (msg.type === 'syncStep1' && Y.decodeStateVector(msg.stateVector).size === 0) {
      // A fresh client: its diff is the whole document, encoded once and
      // shared until the document changes (or the stored bytes, before the
      // Y.Doc is even built). It has no edits to prove stored, so it need
      // not wait for storage (see StoredAnswers).
      this.fullState ??= this.unhydrated ?? Y.encodeStateAsUpdate(this.doc)
      this.answers.inOrder(conn, encodeSyncStep2FromUpdate(this.fullState))
      return
    }
    if (msg.type !== 'awareness' && msg.type !== 'queryAwareness') this.hydrate()
    switch (msg.type) {
      case 'syncStep1':
        this.answers.whenStored(conn, encodeSyncStep2(this.doc, msg.stateVector))
        return
      case 'syncStep2':
      case 'update':
        this.applyClientUpdate(conn, msg.update)
        return
      case 'awareness':
        this.applyAwareness(conn, msg)
        return
      case 'queryAwareness':
        conn.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]))
        return
    }
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    conn.closed = true
    this.answers.forget(conn)
    if (conn.hasAwarenessIds) {
      const ids = [...conn.awarenessIds]
      for (const id of ids) this.awarenessOwners.delete(id)
      awarenessProtocol.removeAwarenessStates(this.awareness, ids, conn.origin)
    }
    this.checkIdle()
  }

  /**
   * Resolves once every change made so far is stored and has left for the
   * connections (or at once while storage fails, when nothing is sent). An
   * AI job waits for this before its `done`, so nobody hears "finished"
   * ahead of the job's last words.
   */
  /**
   * With several instances: read from the store what this room has not yet
   * heard over the bus. (Alone, the room has everything already.)
   */
  catchUp(): Promise<void> {
    return this.busLink?.catchUp() ?? Promise.resolve()
  }

  async sent(): Promise<void> {
    await this.persistence.delivered()
    // The broadcast is written, but sockets coalesce a turn's writes until
    // the next tick (wsSocket.ts); let those go out first.
    await new Promise((resolve) => setImmediate(resolve))
  }

  /** Keep the room loaded without a connection (an AI job writing into it). */
  retain(): () => void {
    this.leases++
    let released = false
    return () => {
      if (released) return
      released = true
      this.leases--
      this.checkIdle()
    }
  }

  get isIdle(): boolean {
    return this.connections.size === 0 && this.leases === 0
  }

  get writable(): boolean {
    return !this.persistence.failing
  }

  /** Close every connection, store everything, free memory. */
  async close(code: (typeof CloseCode)[keyof typeof CloseCode] = CloseCode.GoingAway): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const conn of [...this.connections]) {
      conn.close(code)
      this.leave(conn)
    }
    await this.persistence.flush()
    await this.summary.flush()
    await this.versions?.flush()
    this.destroy()
  }

  /** Free memory without storing (the document was deleted). */
  destroy(): void {
    this.closed = true
    // First: it publishes the removals of our clients' carets.
    this.busLink?.close()
    if (this.claimedId !== null) {
      const id = this.claimedId
      this.claimedId = null
      // Best effort: a claim left behind only keeps one of 65534 ids taken.
      this.opts.store.releaseClientId(this.docId, id).catch(() => undefined)
    }
    if (this.hydrateTimer) clearTimeout(this.hydrateTimer)
    this.fullState = null
    this.summary.dispose()
    this.versions?.dispose()
    this.persistence.dispose()
    this.answers.dispose()
    this.doc.off('update', this.onDocUpdate)
    this.awarenessBroadcast.dispose()
    this.awareness.destroy()
    this.doc.destroy()
  }

  private applyClientUpdate(conn: Connection, update: Uint8Array): void {
    // Viewers' edits are dropped: never applied, stored or relayed. Their
    // editor shows them locally only; the next sync puts them right.
    if (conn.readOnly) return
    if (!this.writable) {
      // A reconnecting client's SyncStep2 is often empty (it has nothing we
      // lack); that is no write, so it must not cost the client its socket.
      if (isEmptyUpdate(update)) return
      // The client keeps its edit and resends it after reconnecting.
      conn.close(CloseCode.StorageUnavailable)
      return
    }
    if (this.sizeBytes + update.byteLength > this.opts.maxDocBytes) {
      // Refused before applying: nothing changes for anyone else, and the
      // client keeps its edit locally (4414 tells it not to retry).
      conn.close(CloseCode.DocumentTooLarge)
      return
    }
    try {
      Y.applyUpdate(this.doc, update, conn.origin)
      const hot = this.opts.metrics?.hot
      // Two bytes is an empty update (no structs, no deletions): the
      // SyncStep2 of a client with nothing new, not an edit.
      if (hot && update.byteLength > 2) {
        hot.updatesReceived++
        hot.updatesReceivedBytes += update.byteLength
      }
    } catch (err) {
      conn.close(CloseCode.ProtocolError, 'invalid update')
      this.opts.log.debug(`invalid update for ${this.docId}`, { closeCode: CloseCode.ProtocolError, detail: (err as Error).message })
    }
  }

  private applyAwareness(conn: Connection, msg: Extract<IncomingMessage, { type: 'awareness' }>): void {
    // Skip what the room already has before parsing anything: y-websocket
    // providers send back every awareness change they apply, so each
    // broadcast to N clients returns N - 1 echoes, all of them stale.
    const fresh = msg.clients.filter((entry) => this.isNewAwareness(entry))
    if (fresh.length === 0) return
    const states: unknown[] = []
    try {
      for (const entry of fresh) states.push(parseAwarenessState(entry))
    } catch (err) {
      conn.close(CloseCode.ProtocolError, (err as ProtocolError).message.slice(0, 120))
      return
    }
    for (const { clientId } of fresh) {
      const owner = this.awarenessOwners.get(clientId)
      // A state present without an owner is one the room publishes itself
      // (an AI job's caret): nobody may take it over, or the AI caret would
      // vanish for everyone when that connection closes.
      if ((owner && owner !== conn) || (!owner && this.awareness.states.has(clientId))) {
        // Refused: a connection may only speak for the ids it introduced.
        // Not closed, because a client that reconnects before the server saw
        // its old socket die legitimately reuses its id; its next renewal
        // (every 15 s) is accepted once the old socket is gone.
        this.opts.log.debug(`refused awareness for client ${clientId} in ${this.docId}: owned by another connection`)
        return
      }
    }
    fresh.forEach(({ clientId }, i) => {
      if (states[i] === null) {
        this.awarenessOwners.delete(clientId)
        if (conn.hasAwarenessIds) conn.awarenessIds.delete(clientId)
      } else if (!this.awarenessOwners.has(clientId)) {
        this.awarenessOwners.set(clientId, conn)
        conn.awarenessIds.add(clientId)
      }
    })
    // Stale entries in the same frame are skipped by y-protocols itself.
    awarenessProtocol.applyAwarenessUpdate(this.awareness, msg.update, conn.origin)
  }

  /** y-protocols' own rule for whether an entry changes anything. */
  private isNewAwareness(entry: AwarenessEntry): boolean {
    const known = this.awareness.meta.get(entry.clientId)
    if (!known || known.clock < entry.clock) return true
    // Same clock: only a removal of a state we still hold counts.
    return known.clock === entry.clock && this.awareness.states.has(entry.clientId) && entry.json.trim() === 'null'
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (isTxOrigin(origin) && origin.kind === 'load') return
    if (origin === REMOTE_ORIGIN) {
      // Stored by the instance that published it: relay only.
      this.sizeBytes += update.byteLength
      this.fullState = null
      const frame = new SharedFrame(encodeUpdate(update))
      for (const c of this.connections) c.sendShared(frame)
      this.countBroadcast(this.connections.size, frame)
      return
    }
    // Everything else is stored and broadcast: client and AI changes, and an
    // AI job's discard, whose origin is the job's Y.UndoManager.
    const sender = isTxOrigin(origin) && origin.kind === 'connection' ? origin.connection : null
    this.sizeBytes += update.byteLength
    this.fullState = null
    // Encode once, send the same buffer to everyone, after it is stored.
    void this.persistence.write(update).then(() => {
      if (this.closed && this.connections.size === 0) return
      const frame = new SharedFrame(encodeUpdate(update))
      let sent = 0
      for (const c of this.connections) {
        if (c === sender) continue
        c.sendShared(frame)
        sent++
      }
      this.countBroadcast(sent, frame)
    })
    const editor = this.summary.changed(origin)
    this.versions?.changed(editor)
  }

  private countBroadcast(recipients: number, frame: SharedFrame): void {
    const hot = this.opts.metrics?.hot
    if (!hot || recipients === 0) return
    hot.updatesBroadcast += recipients
    hot.updatesBroadcastBytes += recipients * frame.data.byteLength
  }

  private checkIdle(): void {
    if (!this.closed && this.isIdle) this.opts.onIdle(this)
  }
}

function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update)
  return structs.length === 0 && ds.clients.size === 0
}
