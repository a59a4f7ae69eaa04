/**
 * The History panel's comparison (client/src/history/versionDiff.ts). The
 * tree must hold both documents whole: reading its old side gives the
 * version back, its new side the current document, for random pairs of
 * documents; and what it marks is what a reader would call the change.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { diffDocs, hasChanges, type BlockDiff, type DocJson, type InlinePiece } from '../../client/src/history/versionDiff.ts'

const p = (...content: DocJson[]): DocJson => ({ type: 'paragraph', ...(content.length ? { content } : {}) })
const t = (text: string, ...marks: string[]): DocJson => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) })
const h = (level: number, text: string): DocJson => ({ type: 'heading', attrs: { level }, content: [t(text)] })
const ul = (...items: string[]): DocJson => ({ type: 'bulletList', content: items.map((text) => ({ type: 'listItem', content: [p(t(text))] })) })
const doc = (...content: DocJson[]): DocJson => ({ type: 'doc', content })

/** One side of the comparison, rebuilt from the tree. */
function side(blocks: BlockDiff[], which: 'old' | 'new'): DocJson[] {
  const out: DocJson[] = []
  for (const block of blocks) {
    if (block.change === (which === 'old' ? 'added' : 'removed')) continue
    if (block.change !== 'changed') {
      out.push(block.node)
      continue
    }
    const base = which === 'old' ? block.old! : block.node
    if (block.inline) out.push({ ...base, content: piecesOf(block.inline, which) })
    else if (block.children) out.push({ ...base, content: side(block.children, which) })
    else out.push(base)
  }
  return out
}

function piecesOf(pieces: InlinePiece[], which: 'old' | 'new'): DocJson[] {
  return pieces
    .filter((piece) => piece.change !== (which === 'old' ? 'added' : 'removed'))
    .map((piece) => piece.node ?? { type: 'text', text: piece.text!, ...(piece.marks ? { marks: piece.marks } : {}) })
}

/** Adjacent text with the same marks is one run, however it was split; empty content is no content. */
function normalize(nodes: DocJson[]): DocJson[] {
  const out: DocJson[] = []
  for (const node of nodes) {
    const last = out[out.length - 1]
    if (node.type === 'text' && last?.type === 'text' && JSON.stringify(last.marks ?? null) === JSON.stringify(node.marks ?? null)) {
      out[out.length - 1] = { ...last, text: last.text! + node.text! }
      continue
    }
    const { content, ...rest } = node
    const inner = content ? normalize(content) : []
    out.push(inner.length ? { ...rest, content: inner } : { ...rest })
  }
  return out
}

describe('version diff', () => {
  test('the same document has no changes', () => {
    const d = doc(h(1, 'Plan'), p(t('Alpha '), t('beta', 'bold')), ul('one', 'two'))
    const diff = diffDocs(d, structuredClone(d))
    expect(hasChanges(diff)).toBe(false)
    expect(diff.blocks.every((b) => b.change === 'same')).toBe(true)
  })

  test('a word typed since the version is added, a word deleted is removed, in the same paragraph', () => {
    const diff = diffDocs(doc(p(t('The quick brown fox'))), doc(p(t('The quick red fox jumps'))))
    expect(diff.stats).toEqual({ added: 0, removed: 0, changed: 1 })
    const pieces = diff.blocks[0]!.inline!.map((piece) => [piece.change, piece.text])
    expect(pieces).toEqual([
      ['same', 'The quick '],
      ['removed', 'brown'],
      ['added', 'red'],
      ['same', ' fox'],
      ['added', ' jumps'],
    ])
  })

  test('paragraphs added and removed around unchanged ones, and a list item edited inside its list', () => {
    const diff = diffDocs(doc(p(t('Keep')), p(t('Gone')), ul('one', 'two')), doc(p(t('Keep')), ul('one', 'two!'), h(2, 'New')))
    expect(diff.blocks.map((b) => b.change)).toEqual(['same', 'removed', 'changed', 'added'])
    const list = diff.blocks[2]!
    expect(list.children!.map((b) => b.change)).toEqual(['same', 'changed'])
    expect(diff.stats).toEqual({ added: 1, removed: 1, changed: 1 })
  })

  test('a line split off a paragraph pairs the paragraph with its own edit, not with the empty line', () => {
    const diff = diffDocs(doc(p(t('First draft'))), doc(p(), p(t('Bob adds a line.First draft'))))
    expect(diff.blocks.map((b) => b.change)).toEqual(['added', 'changed'])
    expect(diff.blocks[1]!.inline!.map((piece) => [piece.change, piece.text])).toEqual([
      ['added', 'Bob adds a line.'],
      ['same', 'First draft'],
    ])
  })

  test('a rewritten paragraph is one removed and one added, an edited one is changed', () => {
    const diff = diffDocs(doc(p(t('Cats sleep all day long')), p(t('Dogs bark at the mail'))), doc(p(t('Cats sleep all day and night long')), p(t('Entirely different words here'))))
    expect(diff.blocks.map((b) => b.change)).toEqual(['changed', 'removed', 'added'])
  })

  test('a short block that grew, and an empty one filled in, are the same block changed', () => {
    const grew = diffDocs(doc(p(t('Launch plan')), p(t('We ship.'))), doc(p(t('Launch planThe launch party is on the roof.')), p(t('We ship.'))))
    expect(grew.blocks.map((b) => b.change)).toEqual(['changed', 'same'])
    const filled = diffDocs(doc(p(t('Title')), p()), doc(p(t('Title')), p(t('Now written.'))))
    expect(filled.blocks.map((b) => b.change)).toEqual(['same', 'changed'])
    expect(filled.stats).toEqual({ changed: 1, added: 0, removed: 0 })
  })

  test('a formatting change shows the word removed and added', () => {
    const diff = diffDocs(doc(p(t('make this bold'))), doc(p(t('make this '), t('bold', 'bold'))))
    const pieces = diff.blocks[0]!.inline!
    expect(pieces.filter((piece) => piece.change !== 'same').map((piece) => [piece.change, piece.text, piece.marks?.[0]?.type])).toEqual([
      ['removed', 'bold', undefined],
      ['added', 'bold', 'bold'],
    ])
  })

  test('a ticked task is a changed block', () => {
    const task = (checked: boolean): DocJson => ({ type: 'taskList', content: [{ type: 'taskItem', attrs: { checked }, content: [p(t('Ship it'))] }] })
    const diff = diffDocs(doc(task(false)), doc(task(true)))
    expect(diff.stats.changed).toBe(1)
    expect(diff.blocks[0]!.children![0]!.change).toBe('changed')
  })

  test('a long document edited almost everywhere, with paragraphs inserted: edits pair with their own paragraph, insertions are added', () => {
    const base = Array.from({ length: 300 }, (_, i) => `Paragraph ${i} says w${i}a w${i}b w${i}c w${i}d w${i}e w${i}f.`)
    const current: DocJson[] = []
    base.forEach((text, i) => {
      current.push(p(t(text.replace(`w${i}c`, `changed${i}`))))
      if (i % 6 === 0) current.push(p(t(`Inserted note ${i} about q${i}x q${i}y q${i}z.`)))
    })
    const diff = diffDocs(doc(...base.map((text) => p(t(text)))), doc(...current))
    expect(diff.stats).toEqual({ changed: 300, added: 50, removed: 0 })
    expect(diff.blocks.filter((b) => b.change === 'added').every((b) => b.node.content![0]!.text!.startsWith('Inserted note'))).toBe(true)
  })

  test('big documents read back whole too, with anchors, bounded gaps and long runs', () => {
    const line = fc.integer({ min: 0, max: 400 }).map((n) => p(t(`line ${n} w${n % 37} v${n % 11}`)))
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), block: line }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('change' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
    )
    fc.assert(
      fc.property(fc.array(line, { minLength: 50, maxLength: 250 }), fc.array(edit, { maxLength: 200 }), (blocks, edits) => {
        const current = blocks.map((b) => structuredClone(b))
        for (const e of edits) {
          const at = current.length ? e.at % current.length : 0
          if (e.kind === 'insert') current.splice(at, 0, e.block)
          else if (e.kind === 'delete') current.splice(at, 1)
          else if (current[at]) current[at] = p(t(`${current[at]!.content![0]!.text!}${e.text}`))
        }
        const diff = diffDocs(doc(...blocks), doc(...current))
        expect(normalize(side(diff.blocks, 'old'))).toEqual(normalize(blocks))
        expect(normalize(side(diff.blocks, 'new'))).toEqual(normalize(current))
      }),
      { numRuns: 60, seed: 3 },
    )
  })

  const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'é', '—', '  ', '.', 'Zoë')
  const text = fc.record({ words: fc.array(word, { minLength: 1, maxLength: 5 }), bold: fc.boolean() }).map(({ words, bold }) => t(words.join(' '), ...(bold ? ['bold'] : [])))
  const paragraph = fc.array(text, { maxLength: 3 }).map((content) => p(...content))
  const block: fc.Arbitrary<DocJson> = fc.oneof(
    paragraph,
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(word, { minLength: 1, maxLength: 3 })).map(([level, words]) => h(level, words.join(' '))),
    fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((items) => ul(...items.map((w) => w.join(' ')))),
  )
  const document = fc.array(block, { maxLength: 8 }).map((blocks) => doc(...blocks))

  test('both documents can be read back whole from the comparison, for random pairs', () => {
    fc.assert(
      fc.property(document, document, (version, current) => {
        const diff = diffDocs(version, current)
        expect(normalize(side(diff.blocks, 'old'))).toEqual(normalize(version.content!))
        expect(normalize(side(diff.blocks, 'new'))).toEqual(normalize(current.content!))
        expect(hasChanges(diff)).toBe(JSON.stringify(normalize(version.content!)) !== JSON.stringify(normalize(current.content!)))
      }),
      { numRuns: 400, seed: 12 },
    )
  })
})
