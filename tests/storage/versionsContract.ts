/**
 * The version-history part of the storage contract (see contract.ts): every
 * store adds, lists, reads, renames and deletes a document's versions the
 * same way, and thins them with the retention policy end to end.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import { DocDeletedError, DocMissingError, type DocStore, type VersionInput, type VersionKind } from '../../server/storage/types.ts'
import { versionsToThin } from '../../server/versions/retention.ts'
import type { StoreFactory } from './contract.ts'

const UPDATE = new Uint8Array([0, 0])
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A version whose content is `n` bytes of `fill`, so each one's bytes are told apart. */
function version(createdAt: number, kind: VersionKind = 'auto', fill = 1, n = 4, name: string | null = null): VersionInput {
  return { createdAt, kind, name, authors: ['Ada', 'Bob'], contentHash: `h${createdAt}-${fill}`, content: new Uint8Array(n).fill(fill) }
}

export function versionsContract(factory: StoreFactory): void {
  describe(`versions: ${factory.name}`, () => {
    let store: DocStore
    beforeEach(async () => {
      store = await factory.create()
    })
    afterEach(async () => {
      await store.close()
    })

    const ids = async (docId: string) => (await store.listVersions(docId)).map((v) => v.id)

    it('adds versions and lists them newest first (then the later-added first), without content', async () => {
      await store.append('d', UPDATE, 1)
      const a = await store.addVersion('d', version(1000, 'auto', 1))
      const b = await store.addVersion('d', version(3000, 'before-ai', 2))
      const c = await store.addVersion('d', version(2000, 'named', 3, 4, 'Draft'))
      const d = await store.addVersion('d', version(2000, 'before-restore', 4))
      expect(a).toEqual({ id: a.id, docId: 'd', createdAt: 1000, kind: 'auto', name: null, authors: ['Ada', 'Bob'], contentHash: 'h1000-1', bytes: 4 })
      expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(4)
      const listed = await store.listVersions('d')
      expect(listed.map((v) => v.id)).toEqual([b.id, d.id, c.id, a.id])
      expect(listed[2]).toEqual(c)
      for (const v of listed) expect(v).not.toHaveProperty('content')
      expect(await store.listVersions('other')).toEqual([])
    })

    it('gives a version back with its exact bytes, only under its own document', async () => {
      await store.create('d', 1)
      await store.create('e', 1)
      const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 255)
      const meta = await store.addVersion('d', { ...version(5), content: bytes })
      expect(meta.bytes).toBe(70_000)
      const { content, ...rest } = (await store.getVersion('d', meta.id))!
      expect(rest).toEqual(meta)
      expect(content).toBeInstanceOf(Uint8Array)
      // Compared as Buffers: toEqual walks 70 000 elements one by one (half a second).
      expect(Buffer.from(content).equals(Buffer.from(bytes))).toBe(true)
      expect(await store.getVersion('e', meta.id)).toBeNull()
      expect(await store.getVersion('d', 'nope')).toBeNull()
      const empty = await store.addVersion('d', { ...version(6), content: new Uint8Array(0) })
      expect((await store.getVersion('d', empty.id))?.content).toEqual(new Uint8Array(0))
    })

    it('names a version: renames a named one, makes another kind named; null for a missing version or another document', async () => {
      await store.create('d', 1)
      const named = await store.addVersion('d', version(1, 'named', 1, 4, 'First'))
      const auto = await store.addVersion('d', version(2, 'auto'))
      expect(await store.nameVersion('d', named.id, 'Final')).toEqual({ ...named, name: 'Final' })
      expect((await store.listVersions('d')).find((v) => v.id === named.id)?.name).toBe('Final')
      // Naming an automatic version makes it a named one, which retention keeps.
      expect(await store.nameVersion('d', auto.id, 'Kept')).toEqual({ ...auto, kind: 'named', name: 'Kept' })
      expect(await store.getVersion('d', auto.id)).toMatchObject({ kind: 'named', name: 'Kept' })
      expect(await store.nameVersion('d', 'missing', 'x')).toBeNull()
      expect(await store.nameVersion('other', named.id, 'x')).toBeNull()
    })

    it("deleteVersions counts what went and touches only that document's versions", async () => {
      await store.create('d', 1)
      await store.create('e', 1)
      const [d1, d2, d3] = [await store.addVersion('d', version(1)), await store.addVersion('d', version(2)), await store.addVersion('d', version(3))]
      const e1 = await store.addVersion('e', version(1))
      expect(await store.deleteVersions('d', [d1.id, d3.id, e1.id, 'missing'])).toBe(2)
      expect(await ids('d')).toEqual([d2.id])
      expect(await ids('e')).toEqual([e1.id])
      expect(await store.deleteVersions('d', [])).toBe(0)
      expect(await store.deleteVersions('d', [d1.id])).toBe(0)
    })

    it("a document's versions go with it, and a deleted or missing document takes none", async () => {
      await store.append('d', UPDATE, 1)
      const v = await store.addVersion('d', version(1))
      await store.create('keep', 1)
      const kept = await store.addVersion('keep', version(1))
      expect(await store.delete('d')).toBe(true)
      expect(await store.listVersions('d')).toEqual([])
      expect(await store.getVersion('d', v.id)).toBeNull()
      await expect(store.addVersion('d', version(2))).rejects.toBeInstanceOf(DocDeletedError)
      expect(await store.listVersions('d')).toEqual([])
      await expect(store.addVersion('never', version(2))).rejects.toBeInstanceOf(DocMissingError)
      expect(await ids('keep')).toEqual([kept.id])
    })

    it('a version of a document stored only by an append not yet awaited is accepted', async () => {
      const appended = store.append('fresh', UPDATE, 1)
      const v = await store.addVersion('fresh', version(1))
      await appended
      expect(await ids('fresh')).toEqual([v.id])
    })

    if (factory.reopen) {
      it('keeps versions across a reopen', async () => {
        await store.create('p', 1)
        const v = await store.addVersion('p', version(7, 'named', 9, 10, 'Kept'))
        store = await factory.reopen!(store)
        expect(await store.listVersions('p')).toEqual([v])
        expect((await store.getVersion('p', v.id))?.content).toEqual(new Uint8Array(10).fill(9))
      })
    }

    it('thins end to end: versions over 10 days, versionsToThin, deleteVersions, the expected survivors', async () => {
      await store.create('t', 0)
      // Day 10 at 00:00 UTC is now; one auto version every 2 hours of days 0..9, plus a named one on day 1.
      const now = Date.UTC(2026, 0, 11)
      const start = now - 10 * DAY
      const added: Array<{ id: string; createdAt: number }> = []
      for (let t = start; t < now; t += 2 * HOUR) added.push({ id: (await store.addVersion('t', version(t))).id, createdAt: t })
      const named = await store.addVersion('t', version(start + DAY + 30 * 60_000, 'named', 2, 4, 'Milestone'))
      const policy = { keepAllMs: DAY, hourlyForMs: 2 * DAY, dailyForMs: 5 * DAY }

      const thinned = versionsToThin(await store.listVersions('t'), now, policy)
      expect(await store.deleteVersions('t', thinned)).toBe(thinned.length)

      // Younger than 3 days (day 7 02:00 on): all, each alone in its hour. Day 7 00:00
      // is exactly 3 days old, so daily, and alone in day 7. Days 2-6: each day's
      // newest (22:00). Days 0-1: none but the named one.
      const expected = [
        ...added.filter((v) => v.createdAt >= now - 3 * DAY).map((v) => v.id),
        ...[2, 3, 4, 5, 6].map((day) => added.find((v) => v.createdAt === start + day * DAY + 22 * HOUR)!.id),
        named.id,
      ]
      const survivors = await store.listVersions('t')
      expect(survivors.map((v) => v.id).sort()).toEqual(expected.sort())
      expect(survivors).toHaveLength(12 + 24 + 5 + 1)
      // Thinning again at the same time removes nothing.
      expect(versionsToThin(survivors, now, policy)).toEqual([])
    })
  })
}
