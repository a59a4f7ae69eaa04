/** Taking versions (no automatic duplicates), restoring one, and undoing a restore by restoring its backup. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { VersionHistory, VersionNotFoundError } from '../../server/versions/history.ts'
import { MemoryStore } from '../../server/storage/memory.ts'
import { contentOf, docWith, fragmentOf, para, schema } from '../ai-writer/helpers.ts'

const DAY = 86_400_000
const RESTORE = { kind: 'restore' }

async function setup() {
  const store = new MemoryStore()
  await store.create('d', 0)
  let now = 1_000_000
  const history = new VersionHistory({ store, schema, policy: { keepAllMs: DAY, hourlyForMs: 7 * DAY, dailyForMs: Number.POSITIVE_INFINITY }, now: () => now++ })
  const doc = docWith(1, [para('First draft.'), para('Second paragraph.')])
  return { store, history, doc, fragment: fragmentOf(doc) }
}

function typeAt(fragment: Y.XmlFragment, block: number, text: string): void {
  ;((fragment.get(block) as Y.XmlElement).get(0) as Y.XmlText).insert(0, text)
}

describe('VersionHistory', () => {
  it('takes no automatic version of unchanged content, but always a named one', async () => {
    const { history, fragment } = await setup()
    const first = await history.take('d', fragment, 'auto', { authors: ['Ada', 'Ada', 'Bo'] })
    expect(first).toMatchObject({ kind: 'auto', name: null, authors: ['Ada', 'Bo'] })
    expect(await history.take('d', fragment, 'auto')).toBeNull()
    expect(await history.take('d', fragment, 'before-ai')).toBeNull()
    const named = await history.take('d', fragment, 'named', { name: 'Sent to the client' })
    expect(named).toMatchObject({ kind: 'named', name: 'Sent to the client' })
    typeAt(fragment, 0, 'New ')
    expect(await history.take('d', fragment, 'auto')).not.toBeNull()
    expect((await history.list('d')).map((v) => v.kind)).toEqual(['auto', 'named', 'auto'])
  })

  it('restores a version; restoring the before-restore version brings back what the restore replaced', async () => {
    const { history, doc, fragment } = await setup()
    const v1 = (await history.take('d', fragment, 'auto'))!
    const original = contentOf(doc)
    typeAt(fragment, 1, 'Edited: ')
    const edited = contentOf(doc)
    const result = await history.restore('d', doc, fragment, v1.id, RESTORE, ['Ada'])
    expect(contentOf(doc)).toEqual(original)
    expect(result.backupVersionId).not.toBeNull()
    const backup = (await history.list('d')).find((v) => v.id === result.backupVersionId)
    expect(backup).toMatchObject({ kind: 'before-restore', authors: ['Ada'] })
    await history.restore('d', doc, fragment, result.backupVersionId!, RESTORE)
    expect(contentOf(doc)).toEqual(edited)
  })

  it('refuses an unknown version', async () => {
    const { history, doc, fragment } = await setup()
    await expect(history.restore('d', doc, fragment, 'nope', RESTORE)).rejects.toBeInstanceOf(VersionNotFoundError)
  })

  it('stores content compactly and reads it back exactly', async () => {
    const { history, fragment, doc } = await setup()
    for (let i = 0; i < 200; i++) typeAt(fragment, 0, `Line ${i} of a longer document with repeated words. `)
    const meta = (await history.take('d', fragment, 'auto'))!
    const back = await history.content('d', meta.id)
    expect(back?.content.doc.content).toEqual(contentOf(doc))
    expect(meta.bytes).toBeLessThan(JSON.stringify(contentOf(doc)).length / 4)
  })
})
