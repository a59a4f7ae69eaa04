/**
 * The storage contract: every DocStore implementation runs this suite.
 * A new backend (Postgres, ...) proves itself by passing it.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import * as Y from 'yjs'
import { DocExistsError, type DocStore } from '../../server/storage/types.ts'

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

    it('lists documents with titles, newest first', async () => {
      await store.append('old', update('x'), 1000)
      await store.append('new', update('y'), 2000)
      await store.setTitle('new', 'Fresh')
      const list = await store.list()
      expect(list.map((m) => m.id)).toEqual(['new', 'old'])
      expect(list[0]).toMatchObject({ id: 'new', title: 'Fresh', updatedAt: 2000 })
    })

    it('deletes a document and refuses to bring it back', async () => {
      await store.append('gone', update('x'), 1)
      expect(await store.delete('gone')).toBe(true)
      expect(await store.load('gone')).toEqual({ status: 'deleted' })
      expect((await store.list()).map((m) => m.id)).not.toContain('gone')
      await expect(store.append('gone', update('y'), 2)).rejects.toThrow()
      expect(await store.delete('never-was')).toBe(false)
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
}
