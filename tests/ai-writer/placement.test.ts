import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { AI_CLIENT, canonical, contentOf, docWith, fragmentOf, para, textPosition, writerFor } from './helpers.ts'
import type { WriteTarget } from '../../server/ai/writer/index.ts'

const t = (text: string, ...marks: string[]): JSONContent => (marks.length === 0 ? { type: 'text', text } : { type: 'text', text, marks: marks.map((type) => ({ type })) })
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content })
const h = (level: number, text: string): JSONContent => ({ type: 'heading', attrs: { level }, content: [{ type: 'text', text }] })
const bullets = (...items: string[]): JSONContent => ({ type: 'bulletList', content: items.map((i) => ({ type: 'listItem', content: [para(i)] })) })

/** Writes `md` in one go into a doc with `before` and returns the resulting blocks. */
function write(before: JSONContent[], target: (doc: Y.Doc) => WriteTarget, md: string): JSONContent[] {
  const doc = docWith(AI_CLIENT, before)
  const writer = writerFor(doc, target(doc))
  writer.push(md)
  writer.flush()
  writer.finish()
  return contentOf(doc)
}

/** Position inside the text of the first paragraph of list item `item` of top-level list `block`. */
function listItemTextPosition(doc: Y.Doc, block: number, item: number, offset: number): Y.RelativePosition {
  const list = fragmentOf(doc).get(block) as Y.XmlElement
  const paragraph = (list.get(item) as Y.XmlElement).get(0) as Y.XmlElement
  return Y.createRelativePositionFromTypeIndex(paragraph.get(0) as Y.XmlText, offset)
}

describe('placement', () => {
  it('insert on an empty line: the first paragraph fills it, further blocks follow it', () => {
    const out = write([para('A'), para(), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }), 'One **two**\n\n# Three')
    expect(out).toEqual(canonical([para('A'), p(t('One '), t('two', 'bold')), h(1, 'Three'), para('Z')]))
  })

  it('insert mid-text: the first paragraph goes inline at the cursor, further blocks after that block', () => {
    const out = write([para('Hello world'), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 6) }), '*big* \n\nNext')
    expect(out).toEqual(canonical([p(t('Hello '), t('big', 'italic'), t('world')), para('Next'), para('Z')]))
  })

  it('an answer that starts on a new line after text is a paragraph of its own, not glued to the sentence ("May.The")', () => {
    for (const md of ['\n\nThe party is on the roof.', '\nThe party is on the roof.', '  \n\nThe party is on the roof.\n\n- [ ] invite Bo']) {
      const out = write([para('Launch plan'), para('We ship in May.'), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 1, 15) }), md)
      expect(out.slice(0, 3), JSON.stringify(md)).toEqual(canonical([para('Launch plan'), para('We ship in May.'), para('The party is on the roof.')]))
    }
    // On an empty line, it still fills the line.
    expect(write([para('A'), para()], (d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }), '\n\nFilled.')).toEqual(canonical([para('A'), para('Filled.')]))
  })

  it('insert inline keeps the word gaps a continuation starts or ends with', () => {
    const out = write([para('The cat'), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 7) }), ' sat on the *mat*.')
    expect(out).toEqual(canonical([p(t('The cat sat on the '), t('mat', 'italic'), t('.')), para('Z')]))
    const mid = write([para('Hello world')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 6) }), 'big ')
    expect(mid).toEqual(canonical([para('Hello big world')]))
  })

  it('insert: when the first block is not a paragraph, everything goes after the anchor block', () => {
    const out = write([para('Hello world'), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 6) }), '## Title\n\ntext')
    expect(out).toEqual(canonical([para('Hello world'), h(2, 'Title'), para('text'), para('Z')]))
  })

  it('insert into a heading continues the heading inline', () => {
    const out = write([h(1, 'Plan'), para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 4) }), ' for **Q3**')
    expect(out).toEqual(canonical([{ type: 'heading', attrs: { level: 1 }, content: [t('Plan for '), t('Q3', 'bold')] }, para('Z')]))
  })

  it('insert inside a list item: inline there, further blocks after the whole list', () => {
    const out = write([bullets('one', 'two'), para('Z')], (d) => ({ kind: 'insert', at: listItemTextPosition(d, 0, 0, 3) }), ' more\n\nAfter list')
    expect(out).toEqual(canonical([bullets('one more', 'two'), para('After list'), para('Z')]))
  })

  it('insert inside a code block: blocks go after the code block', () => {
    const code: JSONContent = { type: 'codeBlock', attrs: { language: 'js' }, content: [t('x()')] }
    const out = write([code, para('Z')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 1) }), 'Explained.')
    expect(out).toEqual(canonical([code, para('Explained.'), para('Z')]))
  })

  it('insert at a gap between top-level blocks puts the blocks there', () => {
    const out = write([para('A'), para('Z')], (d) => ({ kind: 'insert', at: Y.createRelativePositionFromTypeIndex(fragmentOf(d), 1) }), 'Mid')
    expect(out).toEqual(canonical([para('A'), para('Mid'), para('Z')]))
    const first = write([para('A')], (d) => ({ kind: 'insert', at: Y.createRelativePositionFromTypeIndex(fragmentOf(d), 0) }), 'Top')
    expect(first).toEqual(canonical([para('Top'), para('A')]))
  })

  it('blockAfter: a summary becomes new blocks after the block containing the anchor', () => {
    const out = write([para('Long text'), para('Z')], (d) => ({ kind: 'blockAfter', at: textPosition(d, 0, 4) }), 'Summary: *short*.')
    expect(out).toEqual(canonical([para('Long text'), p(t('Summary: '), t('short', 'italic'), t('.')), para('Z')]))
  })

  it('replace within a paragraph swaps the selected text', () => {
    const out = write([para('Hello cruel world')], (d) => ({ kind: 'replace', from: textPosition(d, 0, 6), to: textPosition(d, 0, 11) }), '**kind**')
    expect(out).toEqual(canonical([p(t('Hello '), t('kind', 'bold'), t(' world'))]))
  })

  it('replace across blocks deletes the text in the end blocks and the blocks between, without joining', () => {
    const before = [para('Alpha beta'), para('Gamma'), bullets('x', 'y'), para('Delta epsilon'), para('Z')]
    const out = write(before, (d) => ({ kind: 'replace', from: textPosition(d, 0, 6), to: textPosition(d, 3, 6) }), 'new\n\n- item')
    expect(out).toEqual(canonical([para('Alpha new'), bullets('item'), para('epsilon'), para('Z')]))
  })

  it('replace from inside a list item to a later paragraph', () => {
    const before = [bullets('one', 'two', 'three'), para('four five'), para('Z')]
    const out = write(before, (d) => ({ kind: 'replace', from: listItemTextPosition(d, 0, 1, 1), to: textPosition(d, 1, 5) }), 'WO')
    expect(out).toEqual(canonical([bullets('one', 'tWO'), para('five'), para('Z')]))
  })
})

describe('writer API', () => {
  it('flush reports whether the document changed; push after finish is an error', () => {
    const doc = docWith(AI_CLIENT, [para()])
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) })
    expect(writer.flush()).toBe(false)
    writer.push('#')
    expect(writer.flush()).toBe(false) // still ambiguous: nothing shown
    writer.push(' Title')
    expect(writer.flush()).toBe(true)
    expect(writer.flush()).toBe(false)
    writer.finish()
    expect(() => writer.push('more')).toThrow()
    expect(writer.anchorLost).toBe(false)
  })

  it('caret sits right after the last character the AI wrote', () => {
    const doc = docWith(AI_CLIENT, [para(), para('Z')])
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) })
    expect(writer.caret()).toBeNull()
    writer.push('First\n\nSecond **bold**')
    writer.flush()
    const at = Y.createAbsolutePositionFromRelativePosition(writer.caret() as Y.RelativePosition, doc)
    expect(at?.type).toBeInstanceOf(Y.XmlText)
    const plain = (text: Y.XmlText): string => text.toDelta().map((d: { insert: string }) => d.insert).join('')
    expect(plain(at?.type as Y.XmlText).slice(0, at?.index)).toBe('Second bold')
    writer.finish()
    // A human typing at the caret lands after the AI's text.
    const text = at?.type as Y.XmlText
    const end = Y.createAbsolutePositionFromRelativePosition(writer.caret() as Y.RelativePosition, doc)
    expect(end?.index).toBe(text.length)
  })
})
