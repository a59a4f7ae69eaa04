/**
 * The storage contract: every DocStore implementation runs this suite.
 * A new backend (Postgres, ...) proves itself by passing it.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import * as Y from 'yjs'
import { DocDeletedError, DocExistsError, type DocStore } from '../../server/storage/types.ts'
import { searchContract } from './searchContract.ts'

export interface StoreFactory {
  name: string
  /** A fresh, empty store. */
  create(): Promise<DocStore>
  /** Reopen the same underlying data (for persistent stores), or null. */
  reopen?: (store: DocStore) => Promise<DocStore>
}

function update(text: string): Uint8Array {
  const d = new Y.Doc()
  d.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(d)
}

function textOf(parts: Uint8Array[]): string {
  const d = new Y.Doc()
  for (const p of parts) Y.applyUpdate(d, p)
  return d.getText('t').toString()
}

export function storageContract(factory: StoreFactory): void {
  describe(`storage contract: ${factory.name}`, () => {
    let store: DocStore
    beforeEach(async () => {
      store = await factory.create()
    })
    afterEach(async () => {
      await store.close()
    })

    it('answers a ping while it works', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })

    it('lets one room at a time claim a server client id of a document', async () => {
      expect(await store.claimClientId('claims', 42)).toBe(true)
      expect(await store.claimClientId('claims', 42)).toBe(false)
      // Another id, or the same id of another document, is free.
      expect(await store.claimClientId('claims', 43)).toBe(true)
      expect(await store.claimClientId('claims-2', 42)).toBe(true)
      await store.releaseClientId('claims', 42)
      expect(await store.claimClientId('claims', 42)).toBe(true)
    })

    it('reports a never-seen document as missing', async () => {
      expect(await store.load('nope')).toEqual({ status: 'missing' })
      expect(await store.meta('nope')).toBeNull()
    })

    it('creates an empty document once and refuses a second create', async () => {
      await store.create('a', 1000)
      const loaded = await store.load('a')
      expect(loaded.status).toBe('found')
      if (loaded.status === 'found') expect(loaded.doc.updates).toEqual([])
      await expect(store.create('a', 1001)).rejects.toBeInstanceOf(DocExistsError)
    })

    it('returns appended updates in order, with increasing sequence numbers', async () => {
      const given = [update('one'), update('two'), update('three')]
      const seqs = [await store.append('d', given[0]!, 1), await store.append('d', given[1]!, 2), await store.append('d', given[2]!, 3)]
      expect(seqs[1]!).toBeGreaterThan(seqs[0]!)
      expect(seqs[2]!).toBeGreaterThan(seqs[1]!)
      const loaded = await store.load('d')
      if (loaded.status !== 'found') throw new Error('expected found')
      expect(loaded.doc.updates.length).toBe(3)
      expect(loaded.doc.lastSeq).toBe(seqs[2])
      expect(loaded.doc.updates.map((u) => Array.from(u))).toEqual(given.map((u) => Array.from(u)))
    })

    it('keeps the bytes it was given, even if the caller reuses its buffer', async () => {
      const buf = update('stable')
      const copy = buf.slice()
      await store.append('d', buf, 1)
      buf.fill(0)
      const loaded = await store.load('d')
      if (loaded.status !== 'found') throw new Error('expected found')
      expect(Array.from(loaded.doc.updates[0]!)).toEqual(Array.from(copy))
    })

    it('compaction replaces covered updates with a snapshot and keeps later ones', async () => {
      const d = new Y.Doc()
      const t = d.getText('t')
      const parts: Uint8Array[] = []
      d.on('update', (u: Uint8Array) => parts.push(u))
      t.insert(0, 'abc')
      t.insert(3, 'def')
      const s1 = await store.append('c', parts[0]!, 1)
      const s2 = await store.append('c', parts[1]!, 2)
      await store.compact('c', Y.encodeStateAsUpdate(d), s2)
      t.insert(6, 'ghi')
      await store.append('c', parts[2]!, 3)
      const loaded = await store.load('c')
      if (loaded.status !== 'found') throw new Error('expected found')
      expect(loaded.doc.snapshot).not.toBeNull()
      expect(loaded.doc.updates.length).toBe(1)
      expect(s1).toBeLessThan(s2)
      expect(textOf([loaded.doc.snapshot!, ...loaded.doc.updates])).toBe('abcdefghi')
    })

    it('a late compaction with an older snapshot neither replaces a newer one nor drops later updates', async () => {
      const d = new Y.Doc()
      const parts: Uint8Array[] = []
      d.on('update', (u: Uint8Array) => parts.push(u))
      const t = d.getText('t')
      t.insert(0, 'a')
      const s1 = await store.append('k', parts[0]!, 1)
      const older = Y.encodeStateAsUpdate(d)
      t.insert(1, 'b')
      const s2 = await store.append('k', parts[1]!, 2)
      t.insert(2, 'c')
      await store.append('k', parts[2]!, 3)
      await store.compact('k', Y.encodeStateAsUpdate(d), s2)
      // Another writer's compaction, made when only 'a' was stored, lands last.
      await store.compact('k', older, s1)
      const loaded = await store.load('k')
      if (loaded.status !== 'found') throw new Error('expected found')
      expect(textOf([loaded.doc.snapshot!])).toBe('abc')
      expect(textOf([loaded.doc.snapshot!, ...loaded.doc.updates])).toBe('abc')
    })

    describe('loadSince', () => {
      it('returns the updates after a sequence number, in order, with their seqs and the last seq', async () => {
        const given = [update('one'), update('two'), update('three')]
        const seqs: number[] = []
        for (const [i, u] of given.entries()) seqs.push(await store.append('s', u, i))
        const since = await store.loadSince('s', seqs[0]!)
        if (since.status !== 'updates') throw new Error(`expected updates, got ${since.status}`)
        expect(since.updates.map((u) => u.seq)).toEqual(seqs.slice(1))
        expect(since.updates.map((u) => Array.from(u.update))).toEqual(given.slice(1).map((u) => Array.from(u)))
        expect(since.lastSeq).toBe(seqs[2])
        const all = await store.loadSince('s', 0)
        expect(all.status === 'updates' && all.updates.length).toBe(3)
      })

      it('returns no updates, and the last seq, when nothing came after', async () => {
        const last = await store.appendMany('s', [update('a'), update('b')], 1)
        expect(await store.loadSince('s', last)).toEqual({ status: 'updates', updates: [], lastSeq: last })
      })

      it('returns the whole document when updates after the seq were compacted away, and only later updates otherwise', async () => {
        const d = new Y.Doc()
        const parts: Uint8Array[] = []
        d.on('update', (u: Uint8Array) => parts.push(u))
        const t = d.getText('t')
        t.insert(0, 'abc')
        const s1 = await store.append('c', parts[0]!, 1)
        t.insert(3, 'def')
        const s2 = await store.append('c', parts[1]!, 2)
        await store.compact('c', Y.encodeStateAsUpdate(d), s2)
        t.insert(6, 'ghi')
        const s3 = await store.append('c', parts[2]!, 3)
        const behind = await store.loadSince('c', s1)
        if (behind.status !== 'compacted') throw new Error(`expected compacted, got ${behind.status}`)
        expect(behind.doc.lastSeq).toBe(s3)
        expect(textOf([behind.doc.snapshot!, ...behind.doc.updates])).toBe('abcdefghi')
        const current = await store.loadSince('c', s2)
        if (current.status !== 'updates') throw new Error(`expected updates, got ${current.status}`)
        expect(current.updates.map((u) => u.seq)).toEqual([s3])
        expect(current.lastSeq).toBe(s3)
      })

      it('reports a missing and a deleted document', async () => {
        expect(await store.loadSince('nope', 0)).toEqual({ status: 'missing' })
        await store.append('gone', update('x'), 1)
        await store.delete('gone')
        expect(await store.loadSince('gone', 0)).toEqual({ status: 'deleted' })
      })

      it('sees appends requested before it, even when they were not awaited', async () => {
        const appended = store.append('q', update('x'), 1)
        const since = await store.loadSince('q', 0)
        expect(since.status === 'updates' && since.updates.length).toBe(1)
        expect(since.status === 'updates' && since.lastSeq).toBe(await appended)
      })
    })

    it('lastSeqs reports each listed document\'s newest seq in one read, and leaves out missing and deleted ones', async () => {
      const a = await store.appendMany('a', [update('1'), update('2')], 1)
      const b = await store.append('b', update('3'), 2)
      await store.append('gone', update('4'), 3)
      await store.delete('gone')
      // Compaction keeps the newest seq, even with no update left after the snapshot.
      await store.compact('b', update('3'), b)
      // Not awaited: lastSeqs must see appends requested before it.
      const later = store.append('a', update('5'), 4)
      const seqs = await store.lastSeqs(['a', 'b', 'gone', 'never'])
      expect(seqs).toEqual(new Map([['a', await later], ['b', b]]))
      expect(await later).toBeGreaterThan(a)
      expect(await store.lastSeqs([])).toEqual(new Map())
    })

    it('lists documents with titles, newest first', async () => {
      await store.append('old', update('x'), 1000)
      await store.append('new', update('y'), 2000)
      await store.setTitle('new', 'Fresh')
      const list = await store.list()
      expect(list.map((m) => m.id)).toEqual(['new', 'old'])
      expect(list[0]).toMatchObject({ id: 'new', title: 'Fresh', updatedAt: 2000 })
    })

    it('a title set in the same turn as appends lands in call order, and a title alone never creates a record', async () => {
      const writes = [store.append('t1', update('a'), 10), store.setTitle('t1', 'First'), store.setTitle('ghost', 'Nobody'), store.append('t2', update('b'), 20), store.setTitle('t1', 'Second')]
      await Promise.all(writes)
      const list = await store.list()
      expect(list.map((m) => [m.id, m.title])).toEqual([
        ['t2', ''],
        ['t1', 'Second'],
      ])
      expect(await store.load('ghost')).toEqual({ status: 'missing' })
    })

    it('deletes a document and refuses to bring it back', async () => {
      await store.append('gone', update('x'), 1)
      expect(await store.delete('gone')).toBe(true)
      expect(await store.load('gone')).toEqual({ status: 'deleted' })
      expect((await store.list()).map((m) => m.id)).not.toContain('gone')
      await expect(store.append('gone', update('y'), 2)).rejects.toThrow()
      expect(await store.delete('never-was')).toBe(false)
    })

    describe('appendMany', () => {
      it('stores the updates in order after earlier ones and resolves with the last sequence number', async () => {
        const zero = update('zero')
        const first = await store.append('m', zero, 1)
        const given = [update('one'), update('two'), update('three')]
        const last = await store.appendMany('m', given, 2)
        expect(last).toBeGreaterThan(first)
        const loaded = await store.load('m')
        if (loaded.status !== 'found') throw new Error('expected found')
        expect(loaded.doc.lastSeq).toBe(last)
        expect(loaded.doc.updates.map((u) => Array.from(u))).toEqual([zero, ...given].map((u) => Array.from(u)))
        // A later append comes after the whole batch.
        expect(await store.append('m', update('four'), 3)).toBeGreaterThan(last)
      })

      it('creates the record and touches updatedAt, as append does', async () => {
        await store.appendMany('new', [update('a'), update('b')], 1000)
        expect(await store.meta('new')).toMatchObject({ id: 'new', createdAt: 1000, updatedAt: 1000 })
        await store.appendMany('new', [update('c')], 2000)
        expect(await store.meta('new')).toMatchObject({ createdAt: 1000, updatedAt: 2000 })
      })

      it('keeps the bytes it was given, even if the caller reuses its buffers', async () => {
        const bufs = [update('x'), update('y')]
        const copies = bufs.map((b) => Array.from(b))
        await store.appendMany('d', bufs, 1)
        for (const b of bufs) b.fill(0)
        const loaded = await store.load('d')
        if (loaded.status !== 'found') throw new Error('expected found')
        expect(loaded.doc.updates.map((u) => Array.from(u))).toEqual(copies)
      })

      it('refuses a deleted document, as append does, and stores nothing', async () => {
        await store.append('gone', update('x'), 1)
        await store.delete('gone')
        await expect(store.appendMany('gone', [update('y'), update('z')], 2)).rejects.toBeInstanceOf(DocDeletedError)
        await expect(store.append('gone', update('y'), 2)).rejects.toBeInstanceOf(DocDeletedError)
        expect(await store.load('gone')).toEqual({ status: 'deleted' })
      })

      it('with an empty list stores nothing, creates no record, and resolves with 0', async () => {
        expect(await store.appendMany('empty', [], 1)).toBe(0)
        expect(await store.load('empty')).toEqual({ status: 'missing' })
        expect(await store.meta('empty')).toBeNull()
      })

      it('appends requested together (not awaited one by one) are each stored in call order; a deleted document fails alone', async () => {
        await store.append('gone', update('x'), 1)
        await store.delete('gone')
        const docs = ['r1', 'r2', 'gone', 'r3', 'r1']
        const given = docs.map((id, i) => update(`${id}-${i}`))
        const results = await Promise.allSettled(docs.map((id, i) => store.appendMany(id, [given[i]!], 10 + i)))
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
        expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(DocDeletedError)
        const seqs = results.map((r) => (r.status === 'fulfilled' ? r.value : null))
        // Sequence numbers are per document: r1's second append comes after its first.
        expect(seqs[4]!).toBeGreaterThan(seqs[0]!)
        const r1 = await store.load('r1')
        if (r1.status !== 'found') throw new Error('expected found')
        expect(r1.doc.updates.map((u) => Array.from(u))).toEqual([given[0]!, given[4]!].map((u) => Array.from(u)))
        expect(r1.doc.lastSeq).toBe(seqs[4])
        expect(await store.load('gone')).toEqual({ status: 'deleted' })
      })
    })

    it('isolates documents from each other', async () => {
      await store.append('a', update('A'), 1)
      await store.append('b', update('B'), 1)
      const a = await store.load('a')
      const b = await store.load('b')
      if (a.status !== 'found' || b.status !== 'found') throw new Error('expected found')
      expect(textOf(a.doc.updates)).toBe('A')
      expect(textOf(b.doc.updates)).toBe('B')
    })

    it('remembers revoked tokens', async () => {
      expect(await store.isTokenRevoked('jti-1')).toBe(false)
      await store.revokeToken('jti-1', Date.now() + 60_000)
      expect(await store.isTokenRevoked('jti-1')).toBe(true)
      expect(await store.isTokenRevoked('jti-2')).toBe(false)
      expect(await store.revokedAmong(['jti-2', 'jti-1', 'jti-3'])).toEqual(new Set(['jti-1']))
      expect(await store.revokedAmong([])).toEqual(new Set())
    })

    if (factory.reopen) {
      it('keeps everything across a reopen', async () => {
        await store.append('p', update('persist me'), 5)
        await store.setTitle('p', 'Kept')
        store = await factory.reopen!(store)
        const loaded = await store.load('p')
        if (loaded.status !== 'found') throw new Error('expected found')
        expect(textOf(loaded.doc.updates)).toBe('persist me')
        expect((await store.meta('p'))?.title).toBe('Kept')
      })
    }
  })
  searchContract(factory)
}
