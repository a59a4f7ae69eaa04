/**
 * adoptedCopies: a person's editor re-creating the AI's text (a split, a new
 * block type) gives the copies to the job; their own new words stay theirs.
 * The transactions here are shaped as y-prosemirror makes them: the old
 * items deleted and the new ones inserted in one transaction.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { adoptedCopies } from '../../shared/copies.ts'
import { deleteSetFromRanges } from '../../shared/itemRanges.ts'
import { AI_CLIENT, docWith, fragmentOf, para } from '../ai-writer/helpers.ts'

const BOB = 0x2345678

/** An AI paragraph (client AI_CLIENT) after a human one, and Bob's copy of the doc. */
function setup(aiText: string) {
  const ai = docWith(AI_CLIENT, [para('Mine.')])
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(aiText)])
  fragmentOf(ai).insert(1, [p])
  const jobItems = deleteSetFromRanges([[AI_CLIENT, [0, Y.getState(ai.store, AI_CLIENT)]]])
  const bob = new Y.Doc()
  bob.clientID = BOB
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(ai))
  return { ai, bob, isJob: (id: Y.ID) => Y.isDeleted(jobItems, id) }
}

/** Runs `change` in Bob's doc and returns what the AI doc adopts when it arrives. */
function adoptionOf(s: ReturnType<typeof setup>, change: (bob: Y.Doc) => void): Array<[number, number[]]> {
  let result: Array<[number, number[]]> = []
  const seen = (tr: Y.Transaction) => {
    if (tr.origin === 'net') result = adoptedCopies(tr, s.isJob)
  }
  s.ai.on('afterTransaction', seen)
  const before = Y.encodeStateVector(s.ai)
  change(s.bob)
  Y.applyUpdate(s.ai, Y.encodeStateAsUpdate(s.bob, before), 'net')
  s.ai.off('afterTransaction', seen)
  return result
}

function textOf(doc: Y.Doc, block: number): Y.XmlText {
  return (fragmentOf(doc).get(block) as Y.XmlElement).get(0) as Y.XmlText
}

describe('adoptedCopies', () => {
  it('a split: the tail moved to a new paragraph is the job\'s, the new paragraph too', () => {
    const s = setup('Hello there world.')
    const adopted = adoptionOf(s, (bob) =>
      bob.transact(() => {
        textOf(bob, 1).delete(5, 13)
        const p = new Y.XmlElement('paragraph')
        p.insert(0, [new Y.XmlText(' there world.')])
        fragmentOf(bob).insert(2, [p])
      }),
    )
    const bobClocks = adopted.find(([c]) => c === BOB)?.[1] ?? []
    // The element, its text node and all 13 characters.
    expect(bobClocks.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(15)
  })

  it('a new block type: the heading and its text are the job\'s', () => {
    const s = setup('Make me a heading.')
    const adopted = adoptionOf(s, (bob) =>
      bob.transact(() => {
        fragmentOf(bob).delete(1, 1)
        const h = new Y.XmlElement('heading')
        h.setAttribute('level', '2')
        h.insert(0, [new Y.XmlText('Make me a heading.')])
        fragmentOf(bob).insert(1, [h])
      }),
    )
    const total = (adopted.find(([c]) => c === BOB)?.[1] ?? []).filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)
    expect(total).toBe(18 + 2)
  })

  it('typing over a selected AI word is not a copy', () => {
    const s = setup('Hello there world.')
    const adopted = adoptionOf(s, (bob) =>
      bob.transact(() => {
        textOf(bob, 1).delete(6, 5)
        textOf(bob, 1).insert(6, 'e')
      }),
    )
    expect(adopted).toEqual([])
  })

  it("typing over an AI word with a longer word of one's own is not a copy", () => {
    const s = setup('Hello there world.')
    expect(
      adoptionOf(s, (bob) =>
        bob.transact(() => {
          textOf(bob, 1).delete(6, 5)
          textOf(bob, 1).insert(6, 'everyone')
        }),
      ),
    ).toEqual([])
  })

  it("copies of a person's own words stay theirs when a block mixing both is re-created", () => {
    const s = setup('AI words.')
    // Bob had typed into the AI paragraph earlier.
    textOf(s.bob, 1).insert(9, ' Bob too.')
    Y.applyUpdate(s.ai, Y.encodeStateAsUpdate(s.bob))
    const adopted = adoptionOf(s, (bob) =>
      bob.transact(() => {
        fragmentOf(bob).delete(1, 1)
        const h = new Y.XmlElement('heading')
        h.insert(0, [new Y.XmlText('AI words. Bob too.')])
        fragmentOf(bob).insert(1, [h])
      }),
    )
    const text = (fragmentOf(s.ai).get(1) as Y.XmlElement).get(0) as Y.XmlText
    const ds = deleteSetFromRanges(adopted)
    const chars: string[] = []
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue
      for (let i = 0; i < item.length; i++) chars.push(Y.isDeleted(ds, Y.createID(item.id.client, item.id.clock + i)) ? 'A' : 'h')
    }
    expect(chars.join('')).toBe('AAAAAAAAAhhhhhhhhh')
  })

  it('a person re-creating their own block adopts nothing', () => {
    const s = setup('AI words.')
    expect(
      adoptionOf(s, (bob) =>
        bob.transact(() => {
          fragmentOf(bob).delete(0, 1)
          const h = new Y.XmlElement('heading')
          h.insert(0, [new Y.XmlText('Mine.')])
          fragmentOf(bob).insert(0, [h])
        }),
      ),
    ).toEqual([])
  })

  it("replacing the AI's sentence with one's own word that it contains adopts nothing", () => {
    const s = setup('Sales were flat in March.')
    expect(
      adoptionOf(s, (bob) =>
        bob.transact(() => {
          textOf(bob, 1).delete(0, 25)
          textOf(bob, 1).insert(0, 'March')
        }),
      ),
    ).toEqual([])
  })

  it('a heading shortcut typed before short AI text ("# " dropped) still adopts the text', () => {
    const s = setup('Hi')
    // Bob typed "# " before the AI's "Hi"; the input rule re-creates the block as a heading.
    textOf(s.bob, 1).insert(0, '# ')
    Y.applyUpdate(s.ai, Y.encodeStateAsUpdate(s.bob))
    const adopted = adoptionOf(s, (bob) =>
      bob.transact(() => {
        fragmentOf(bob).delete(1, 1)
        const h = new Y.XmlElement('heading')
        h.insert(0, [new Y.XmlText('Hi')])
        fragmentOf(bob).insert(1, [h])
      }),
    )
    const total = (adopted.find(([c]) => c === BOB)?.[1] ?? []).filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)
    expect(total).toBe(2 + 2)
  })

  it('wrapping AI blocks with a hard break and a rule in a quote adopts the quote and its leaves', () => {
    const ai = docWith(AI_CLIENT, [para('Mine.')])
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('Line one'), new Y.XmlElement('hardBreak'), new Y.XmlText('line two')])
    const hr = new Y.XmlElement('horizontalRule')
    fragmentOf(ai).insert(1, [p, hr])
    const jobItems = deleteSetFromRanges([[AI_CLIENT, [0, Y.getState(ai.store, AI_CLIENT)]]])
    const bob = new Y.Doc()
    bob.clientID = BOB
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(ai))
    const s = { ai, bob, isJob: (id: Y.ID) => Y.isDeleted(jobItems, id) }
    const adopted = adoptionOf(s, (b) =>
      b.transact(() => {
        fragmentOf(b).delete(1, 2)
        const quote = new Y.XmlElement('blockquote')
        const p2 = new Y.XmlElement('paragraph')
        p2.insert(0, [new Y.XmlText('Line one'), new Y.XmlElement('hardBreak'), new Y.XmlText('line two')])
        quote.insert(0, [p2, new Y.XmlElement('horizontalRule')])
        fragmentOf(b).insert(1, [quote])
      }),
    )
    // Everything Bob's transaction inserted is the job's: quote, paragraph,
    // two text nodes, 16 characters, the hard break and the rule.
    const inserted = Y.getState(bob.store, BOB)
    const total = (adopted.find(([c]) => c === BOB)?.[1] ?? []).filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)
    expect(total).toBe(inserted)
  })
})
