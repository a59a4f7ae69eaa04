/**
 * The summary and search part of the storage contract (see contract.ts):
 * every store stores a room's summary and finds documents by words of their
 * title or text, the same way.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import type { DocStore } from '../../server/storage/types.ts'
import type { StoreFactory } from './contract.ts'

const UPDATE = new Uint8Array([0, 0])

export function searchContract(factory: StoreFactory): void {
  describe(`summary and search: ${factory.name}`, () => {
    let store: DocStore
    beforeEach(async () => {
      store = await factory.create()
    })
    afterEach(async () => {
      await store.close()
    })

    /** A document changed at `at` with this summary. */
    async function doc(id: string, at: number, title: string, text: string, editedBy: string | null = null): Promise<void> {
      await store.append(id, UPDATE, at)
      await store.setSummary(id, { title, text, editedBy })
    }
    const ids = async (query: string, limit = 10) => (await store.search(query, { limit })).map((h) => h.meta.id)

    it('stores the title and last editor; a null editor keeps the stored one; updatedAt stays the append time', async () => {
      await doc('s', 1000, 'Plan', 'Some text', 'Ada')
      expect(await store.meta('s')).toMatchObject({ title: 'Plan', editedBy: 'Ada', updatedAt: 1000 })
      await store.setSummary('s', { title: 'Plan B', text: 'Other', editedBy: null })
      expect(await store.meta('s')).toMatchObject({ title: 'Plan B', editedBy: 'Ada' })
      expect((await store.list())[0]).toMatchObject({ id: 's', editedBy: 'Ada' })
      await store.append('plain', UPDATE, 1)
      expect((await store.meta('plain'))?.editedBy).toBeNull()
    })

    it('a summary alone never creates a record, and is no error on a deleted document', async () => {
      await store.setSummary('ghost', { title: 'Boo', text: 'hidden words', editedBy: 'Ada' })
      expect(await store.meta('ghost')).toBeNull()
      expect(await ids('hidden')).toEqual([])
      await doc('gone', 1, 'Gone', 'vanishing')
      await store.delete('gone')
      await expect(store.setSummary('gone', { title: 'Back', text: 'vanishing', editedBy: null })).resolves.toBeUndefined()
      expect(await store.meta('gone')).toBeNull()
    })

    it('finds a word of the text or title by a case-insensitive prefix, every word required, newest change first', async () => {
      await doc('q', 1000, 'Report', 'The quarterly numbers look good')
      await doc('r', 2000, 'Quarry notes', 'Stones')
      await doc('x', 3000, 'Other', 'Nothing here')
      expect(await ids('quar')).toEqual(['r', 'q'])
      expect(await ids('QUARTERLY')).toEqual(['q'])
      expect(await ids('quar numb')).toEqual(['q'])
      expect(await ids('quar zebra')).toEqual([])
      expect(await ids('report')).toEqual(['q'])
      expect(await ids('quar', 1)).toEqual(['r'])
      expect((await store.search('stones', { limit: 5 }))[0]!.meta).toMatchObject({ id: 'r', title: 'Quarry notes', updatedAt: 2000 })
    })

    it('gives a snippet around the first match in the text, and none when only the title matched', async () => {
      const filler = 'lorem ipsum dolor sit amet '.repeat(10)
      await doc('long', 1, 'Long', `${filler}the budget for next year ${filler}`)
      const [hit] = await store.search('budget', { limit: 5 })
      expect(hit!.snippet).toMatch(/^….*the budget for next year.*…$/)
      expect(hit!.snippet!.length).toBeLessThan(240)
      await doc('titled', 2, 'Budget meeting', 'agenda')
      const titled = (await store.search('budget', { limit: 5 })).find((h) => h.meta.id === 'titled')
      expect(titled?.snippet).toBeNull()
    })

    it('treats query syntax as plain text: nothing throws, punctuation alone matches nothing', async () => {
      await doc('s', 1, 'Syntax', 'alpha AND beta "quoted" near(x) col:umn')
      for (const q of ['"', 'AND(', '*', 'NEAR(', "'", ':*', '\\', '-alpha', 'alpha OR', '(beta', '"quoted', 'col:umn', '&|!', '^alpha', '%_', "''", '" OR "', 'a\'b', '🎉', 'x'.repeat(1000), 'w '.repeat(500)]) {
        await expect(store.search(q, { limit: 5 }), q).resolves.toBeInstanceOf(Array)
      }
      expect(await ids('"')).toEqual([])
      expect(await ids('*')).toEqual([])
      expect(await ids('"quoted')).toEqual(['s'])
      expect(await ids('AND(')).toEqual(['s'])
      expect(await ids('col:umn')).toEqual(['s'])
    })

    it('folds case, accents, ß and compatibility forms the same way in the text and the query', async () => {
      await doc('fr', 1, 'Café résumé', 'Naïve FAÇADE, ÉCOLE Élan; Straße groß; ΛΈΞΕΙΣ; ｆｕｌｌｗｉｄｔｈ，ｈａｌｆ')
      for (const q of ['cafe', 'CAFÉ', 'resume', 'naive', 'naïve', 'facade', 'école', 'ecole', 'ELAN', 'strasse', 'straße', 'gross', 'λεξεις', 'λέξεις', 'fullwidth', 'ＦＵＬＬ', 'half']) {
        expect(await ids(q), q).toEqual(['fr'])
      }
      // Cyrillic й is a letter of its own, not и with an accent.
      await doc('ru', 2, 'Русский', 'мой дом')
      expect(await ids('мой')).toEqual(['ru'])
      expect(await ids('мои')).toEqual([])
    })

    it('gives the snippet where the text has the word in another form than the query', async () => {
      const filler = 'lorem ipsum dolor sit amet '.repeat(10)
      await doc('acc', 1, 'Accents', `${filler}Notre ÉCOLE est fermée ${filler}`)
      const [hit] = await store.search('ecole', { limit: 5 })
      expect(hit!.snippet).toMatch(/^….*Notre ÉCOLE est fermée.*…$/)
      await doc('nfd', 2, 'Decomposed', 'une cafe\u0301 noire')
      expect((await store.search('café', { limit: 5 }))[0]!.snippet).toContain('café noire')
    })

    it('finds Chinese and Japanese words inside a run of characters with no spaces', async () => {
      await doc('ja', 1, '日本語のドキュメント', '東京は日本の首都です。今日は晴れ。')
      await doc('zh', 2, '中文', '我们明天去北京开会')
      for (const [q, want] of [['首都', ['ja']], ['晴れ', ['ja']], ['ドキュメント', ['ja']], ['日本の首都', ['ja']], ['北京', ['zh']], ['开会', ['zh']], ['京', ['zh', 'ja']], ['れ', ['ja']], ['東京都', []], ['北京 首都', []]] as const) {
        expect(await ids(q), q).toEqual(want)
      }
      expect((await store.search('首都', { limit: 5 }))[0]!.snippet).toContain('日本の首都です')
    })

    it('keeps the word found in the snippet when it sits inside a long address', async () => {
      const filler = 'lorem ipsum dolor sit amet '.repeat(10)
      const address = `https://wiki.example.org/${'section/'.repeat(8)}kangaroo-facts`
      await doc('url', 1, 'Links', `${filler}see ${address} for details ${filler}`)
      const [hit] = await store.search('kangaroo', { limit: 5 })
      expect(hit!.snippet).toContain('kangaroo')
      expect(hit!.snippet).toMatch(/^…/)
    })

    it('reads every word of an address, a number or a script with vowel signs as a word', async () => {
      await doc('m', 1, 'Contacts', "ada@example.com, https://docs.example.org/path, 555-1234, node.js, don't, हिन्दी भाषा")
      for (const q of ['example', 'com', 'org', 'path', 'https', '1234', 'js', 'ada@example.com', 'हिन्दी', 'हिन', 'भाषा']) {
        expect(await ids(q), q).toEqual(['m'])
      }
    })

    it('searches only the listed documents when told, and forgets a deleted document', async () => {
      await doc('a', 1, 'A', 'shared word')
      await doc('b', 2, 'B', 'shared word')
      expect((await store.search('shared', { limit: 5, ids: ['a'] })).map((h) => h.meta.id)).toEqual(['a'])
      expect(await store.search('shared', { limit: 5, ids: [] })).toEqual([])
      await store.delete('b')
      expect(await ids('shared')).toEqual(['a'])
    })

    it('indexes a title set alone, keeping the text, and follows changes of the text', async () => {
      await doc('t', 1, 'First', 'original body')
      await store.setTitle('t', 'Renamed')
      expect(await ids('renamed')).toEqual(['t'])
      expect(await ids('original')).toEqual(['t'])
      expect(await ids('first')).toEqual([])
      await store.setSummary('t', { title: 'Renamed', text: 'rewritten', editedBy: null })
      expect(await ids('original')).toEqual([])
      expect(await ids('rewritten')).toEqual(['t'])
    })

    it('reports deleted documents, and only those', async () => {
      await doc('d', 1, 'D', '')
      expect(await store.isDeleted('d')).toBe(false)
      expect(await store.isDeleted('never')).toBe(false)
      await store.delete('d')
      expect(await store.isDeleted('d')).toBe(true)
    })

    if (factory.reopen) {
      it('keeps the summary and index across a reopen', async () => {
        await doc('p', 1, 'Kept', 'durable words', 'Ada')
        store = await factory.reopen!(store)
        expect((await store.meta('p'))?.editedBy).toBe('Ada')
        expect(await ids('durab')).toEqual(['p'])
      })
    }
  })
}
